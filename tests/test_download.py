"""scripts/download_models.py and models.download: offline behaviour, fast failures, file choice.

Nothing here touches the network: the hub is either "offline" (HF_HUB_OFFLINE=1) or pointed at a
closed local port, and prepared stores are made by copying the tiny models.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

from models import download
from models.registry import DEFAULT_TRANSLATOR, KNOWN_MODELS
from models.store import converted_dir, is_complete_model, store_name
from tests.conftest import load_script, subprocess_env

download_models = load_script("download_models")  # the command line over models.download

ROOT = Path(__file__).resolve().parent.parent
SCRIPT = ROOT / "scripts" / "download_models.py"
CLOSED_PORT_ENDPOINT = "http://127.0.0.1:9"  # discard port: nothing listens, connect is refused


def run_script(args: list[str], env_updates: dict[str, str], remove: tuple[str, ...] = ()):
    env = subprocess_env(remove=remove, **env_updates)
    started = time.perf_counter()
    result = subprocess.run(
        [sys.executable, str(SCRIPT), *args], env=env, capture_output=True, text=True, timeout=300
    )
    return result, time.perf_counter() - started


@pytest.fixture
def store(tmp_path: Path) -> Path:
    return tmp_path / "store"


@pytest.fixture
def prepared_store(store: Path, tiny_models: dict[str, Path]) -> Path:
    """A model store holding the tiny translator under the default translator's name."""
    shutil.copytree(tiny_models["translator"], store / store_name(DEFAULT_TRANSLATOR))
    return store


def test_select_files_prefers_safetensors_and_skips_other_frameworks() -> None:
    files = [
        "README.md", ".gitattributes", "config.json", "generation_config.json", "model.safetensors",
        "pytorch_model.bin", "tf_model.h5", "flax_model.msgpack", "rust_model.ot", "training_args.bin",
        "source.spm", "target.spm", "vocab.json", "tokenizer_config.json", "onnx/encoder_model.onnx",
    ]
    assert download.select_files(files) == [
        "README.md", "config.json", "generation_config.json", "model.safetensors", "source.spm",
        "target.spm", "tokenizer_config.json", "vocab.json",
    ]
    old_style = [f for f in files if f != "model.safetensors"]
    assert "pytorch_model.bin" in download.select_files(old_style)
    assert "training_args.bin" not in download.select_files(old_style)
    sharded = ["config.json", "model-00001-of-00002.safetensors", "model-00002-of-00002.safetensors",
               "model.safetensors.index.json", "spiece.model", "pytorch_model.bin"]
    assert download.select_files(sharded) == sorted(set(sharded) - {"pytorch_model.bin"})


def test_offline_with_prepared_store_verifies_and_prints_environment(prepared_store: Path) -> None:
    result, _ = run_script(["--dir", str(prepared_store)], {"HF_HUB_OFFLINE": "1"})
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert "already prepared" in out
    assert "marian (MarianMTModel), tokenizer MarianTokenizer, weights model.safetensors" in out
    assert f"export DIGEST_MODELS_DIR={prepared_store.resolve()}" in out
    assert f"export DIGEST_TRANSLATOR={DEFAULT_TRANSLATOR}" in out
    assert "export HF_HUB_OFFLINE=1" in out
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize(
    ("env", "remove", "expected"),
    [
        ({"HF_HUB_OFFLINE": "1"}, (), "HF_HUB_OFFLINE=1 is set"),
        ({"HF_ENDPOINT": CLOSED_PORT_ENDPOINT}, ("HF_HUB_OFFLINE",), "cannot be reached"),
    ],
    ids=["offline", "hub-unreachable"],
)
def test_missing_model_fails_fast_with_one_clear_line(
    store: Path, tmp_path: Path, env: dict[str, str], remove: tuple[str, ...], expected: str
) -> None:
    result, seconds = run_script(
        ["--dir", str(store)], {**env, "HF_HOME": str(tmp_path / "hf-home")}, remove
    )
    assert result.returncode != 0
    assert seconds < 10, f"took {seconds:.1f} s"
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: "), result.stderr
    assert DEFAULT_TRANSLATOR in lines[0] and expected in lines[0]
    assert "Traceback" not in result.stderr and result.stdout == ""


def test_offline_copies_a_model_found_in_the_hf_cache(
    store: Path, tmp_path: Path, tiny_models: dict[str, Path], monkeypatch, capsys
) -> None:
    # The HF cache layout: models--org--name/snapshots/<commit>/…, refs/main naming the commit.
    commit = "0123456789abcdef0123456789abcdef01234567"
    repo = tmp_path / "hf-home" / "hub" / "models--acme--tiny-el-en"
    shutil.copytree(tiny_models["translator"], repo / "snapshots" / commit)
    (repo / "refs").mkdir()
    (repo / "refs" / "main").write_text(commit)
    monkeypatch.setenv("HF_HOME", str(tmp_path / "hf-home"))
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    monkeypatch.delenv("HF_HUB_CACHE", raising=False)

    assert download_models.main(["--dir", str(store), "--translator", "acme/tiny-el-en"]) == 0
    out = capsys.readouterr().out
    assert "copied from the HF cache" in out
    copied = store / "acme--tiny-el-en"
    assert is_complete_model(copied) and not (copied / "model.safetensors").is_symlink()


def test_truncated_weights_are_reported(prepared_store: Path, monkeypatch, capsys) -> None:
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    weights = prepared_store / store_name(DEFAULT_TRANSLATOR) / "model.safetensors"
    weights.write_bytes(weights.read_bytes()[:-100])
    assert download_models.main(["--dir", str(prepared_store)]) == 3
    err = capsys.readouterr().err
    assert "truncated" in err and err.count("\n") == 1


def test_ct2_conversion_is_wired_to_models_convert(prepared_store: Path, monkeypatch, capsys) -> None:
    """--ct2 calls models.convert.convert_to_ct2(src, out) with out = <store>/<org>--<name>-ct2-int8."""
    calls: list[tuple[str, Path]] = []

    def fake_convert(src: str, out: Path, **kwargs) -> Path:
        calls.append((src, Path(out)))
        shutil.copytree(Path(src), out)  # stands in for CTranslate2's files
        (Path(out) / "model.bin").write_bytes(b"ct2")
        return Path(out)

    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    monkeypatch.setattr(download, "convert_to_ct2", fake_convert)
    monkeypatch.setattr(download, "verify_ct2", lambda path: "CTranslate2 model (int8)")
    assert download_models.main(["--dir", str(prepared_store), "--ct2"]) == 0
    out = capsys.readouterr().out
    source = prepared_store / store_name(DEFAULT_TRANSLATOR)
    assert calls == [(str(source), converted_dir(DEFAULT_TRANSLATOR, store=prepared_store))]
    assert "converted" in out and "export DIGEST_BACKEND=ct2" in out

    # Already converted: checked, not converted again.
    assert download_models.main(["--dir", str(prepared_store), "--ct2"]) == 0
    assert len(calls) == 1 and "already converted" in capsys.readouterr().out


def test_a_mistyped_path_is_named_not_blamed_on_the_network(tmp_path: Path, monkeypatch, capsys) -> None:
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    assert download_models.main(["--dir", str(tmp_path / "store"), "--translator", "./typo"]) == 3
    err = capsys.readouterr().err
    assert "neither a directory nor a hub id" in err and "HF_HUB_OFFLINE" not in err


def test_directory_models_are_exported_by_absolute_path(tiny_models, tmp_path: Path, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "dir").mkdir()
    shutil.copytree(tiny_models["translator"], tmp_path / "dir" / "model")
    prepared = download.prepare_model("dir/model", tmp_path / "store", log=lambda _: None)
    lines = download.environment_lines(tmp_path / "store", [("translator", prepared)], ct2=False)
    assert f"export DIGEST_TRANSLATOR={tmp_path / 'dir' / 'model'}" in lines


def test_list_prints_the_registry(capsys) -> None:
    assert download_models.main(["--list"]) == 0
    out = capsys.readouterr().out
    for repo_id in KNOWN_MODELS:
        assert f"`{repo_id}`" in out
    assert "`summarize: `" in out  # GreekT5's input prefix


def test_a_directory_that_is_not_a_model_is_refused(tmp_path: Path, monkeypatch, capsys) -> None:
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    (tmp_path / "empty").mkdir()
    assert download_models.main(["--dir", str(tmp_path / "s"), "--translator", str(tmp_path / "empty")]) == 3
    assert "does not hold a complete model" in capsys.readouterr().err


def test_online_download_fetches_only_the_needed_files(
    store: Path, tiny_models: dict[str, Path], monkeypatch, capsys
) -> None:
    """The connected path, with the hub replaced by the tiny translator's files plus extras."""
    import fnmatch
    import types

    import huggingface_hub

    source = tiny_models["translator"]
    repo_files = [p.name for p in source.iterdir()] + ["tf_model.h5", "pytorch_model.bin", "README.md"]
    fetched: dict = {}

    def model_info(self, repo_id: str, files_metadata: bool = False, **kwargs):
        siblings = [types.SimpleNamespace(rfilename=f, size=1000) for f in repo_files]
        return types.SimpleNamespace(sha="f" * 40, siblings=siblings)

    def snapshot_download(repo_id: str, *, revision: str, local_dir: Path, allow_patterns: list[str]):
        fetched.update(repo_id=repo_id, revision=revision, patterns=allow_patterns)
        Path(local_dir).mkdir(parents=True)
        for name in repo_files:
            if (source / name).is_file() and any(fnmatch.fnmatch(name, p) for p in allow_patterns):
                shutil.copy(source / name, Path(local_dir) / name)
        return str(local_dir)

    monkeypatch.delenv("HF_HUB_OFFLINE")
    monkeypatch.setattr(download, "hub_reachable", lambda timeout=3.0: True)
    monkeypatch.setattr(download, "from_hf_cache", lambda repo_id: None)
    monkeypatch.setattr(huggingface_hub.HfApi, "model_info", model_info)
    monkeypatch.setattr(huggingface_hub, "snapshot_download", snapshot_download)

    assert download_models.main(["--dir", str(store), "--translator", "Helsinki-NLP/opus-mt-grk-en"]) == 0
    assert fetched["repo_id"] == "Helsinki-NLP/opus-mt-grk-en" and fetched["revision"] == "f" * 40
    assert "model.safetensors" in fetched["patterns"]
    assert not {"tf_model.h5", "pytorch_model.bin"} & set(fetched["patterns"])
    out = capsys.readouterr().out
    assert f"downloading {len(download.select_files(repo_files))} files" in out and "downloaded" in out
    assert is_complete_model(store / "Helsinki-NLP--opus-mt-grk-en")
