"""Prepare models for offline use: fetch only the files a model needs into the model store,
check that they load, and optionally convert them to CTranslate2 int8.

Store layout (what `locate_model` finds): `<store>/<org>--<name>` holds the transformers files,
`<store>/<org>--<name>-ct2-int8` its CTranslate2 conversion. The command-line front end is
`scripts/download_models.py`.

Nothing here waits on an unreachable hub: offline mode (HF_HUB_OFFLINE=1) and a hub that does not
answer a quick TCP probe are detected up front, and a model already in the store (or in the
Hugging Face cache) is used without any network access.
"""

from __future__ import annotations

import json
import shlex
import shutil
import struct
import zipfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

from models.convert import convert_to_ct2
from models.locate import disk_size, from_hf_cache, hub_reachable, human_size, is_offline
from models.store import (
    TOKENIZER_FILES,
    converted_dir,
    is_complete_ct2_model,
    is_complete_model,
    is_hub_id,
    read_metadata,
    store_name,
    weight_files,
)

Log = Callable[[str], None]

# Top-level files a seq2seq model needs besides its weights. README.md is small and carries the
# licence and provenance, so it travels with the weights.
CONFIG_FILES = frozenset({"config.json", "generation_config.json", "README.md"})
GREEK_PROBE = "Η κυβέρνηση ανακοίνωσε νέα μέτρα."


class PrepareError(RuntimeError):
    """A model could not be prepared; the message is one line that says why and what to do."""


@dataclass
class Prepared:
    """A model directory that was checked: where it is, how big, what it holds."""

    name: str  # hub id or directory as asked for
    path: Path
    size: int
    how: str  # "already prepared", "downloaded", "copied from the HF cache", "converted", …
    detail: str  # architecture, tokenizer, weights: what the check found
    backend: str = "torch"  # "torch" (transformers files) or "ct2"


# -- which files ----------------------------------------------------------------------------------
def select_files(repo_files: Iterable[str]) -> list[str]:
    """The files to fetch: config, tokenizer and one set of PyTorch weights (safetensors if any).

    Subfolders (onnx/, openvino/) and other frameworks' weights (tf_model.h5, flax, rust) are
    skipped, as are training leftovers such as training_args.bin (a pickle nobody needs).
    """
    top = [f for f in repo_files if "/" not in f]
    wanted = [f for f in top if f in CONFIG_FILES or f in TOKENIZER_FILES or f.endswith(".spm")]
    safetensors = [f for f in top if f.startswith("model") and f.endswith(".safetensors")]
    if safetensors:
        weights = safetensors + [f for f in top if f == "model.safetensors.index.json"]
    else:
        weights = [
            f
            for f in top
            if (f.startswith("pytorch_model") and f.endswith(".bin")) or f == "pytorch_model.bin.index.json"
        ]
    return sorted(set(wanted + weights))


# -- checks ---------------------------------------------------------------------------------------
def _check_weights_file(path: Path) -> None:
    """Cheap integrity check that catches truncated downloads without loading any tensor."""
    size = path.stat().st_size
    if path.suffix == ".safetensors":
        # Layout: u64 header length, JSON header with byte offsets, then the data.
        with path.open("rb") as handle:
            head = handle.read(8)
            if len(head) < 8:
                raise PrepareError(f"{path} is truncated (delete it and download again)")
            (length,) = struct.unpack("<Q", head)
            try:
                header = json.loads(handle.read(length))
            except ValueError:
                raise PrepareError(f"{path} is not a valid safetensors file") from None
        end = max((t["data_offsets"][1] for k, t in header.items() if k != "__metadata__"), default=0)
        if size < 8 + length + end:
            raise PrepareError(f"{path} is truncated ({size} of {8 + length + end} bytes)")
    elif path.suffix == ".bin" and not zipfile.is_zipfile(path):
        # torch.save writes a zip archive; its directory sits at the end, so truncation shows.
        raise PrepareError(f"{path} is truncated or not a PyTorch checkpoint")


def verify(path: Path) -> str:
    """Check that config, tokenizer and weights load; return a one-line description."""
    import transformers
    from transformers import AutoConfig, AutoTokenizer

    transformers.logging.set_verbosity_error()  # keep the report readable
    try:
        config = AutoConfig.from_pretrained(path)
    except Exception as exc:
        raise PrepareError(f"{path}: config.json does not load ({type(exc).__name__}: {exc})") from None
    if not getattr(config, "is_encoder_decoder", False):
        raise PrepareError(f"{path}: {config.model_type} is not an encoder-decoder (seq2seq) model")
    try:
        tokenizer = AutoTokenizer.from_pretrained(path)
        ids = tokenizer(GREEK_PROBE)["input_ids"]
    except Exception as exc:
        raise PrepareError(f"{path}: the tokenizer does not load ({type(exc).__name__}: {exc})") from None
    if not ids:
        raise PrepareError(f"{path}: the tokenizer encodes Greek text to nothing")
    weights = weight_files(path)
    if not weights:
        raise PrepareError(f"{path}: no weights (model.safetensors or pytorch_model.bin)")
    for file in weights:
        _check_weights_file(file)
    architecture = (config.architectures or [config.model_type])[0]
    return (
        f"{config.model_type} ({architecture}), tokenizer {type(tokenizer).__name__}, "
        f"weights {', '.join(w.name for w in weights)}"
    )


def verify_ct2(path: Path) -> str:
    import ctranslate2

    if not ctranslate2.contains_model(str(path)):
        raise PrepareError(f"{path}: not a CTranslate2 model directory")
    # models/convert.py records what it did in ct2_model.json; a hand-made conversion may not.
    quantization = read_metadata(path).get("quantization")
    shared = (path / "shared_vocabulary.json").is_file()
    vocab = "shared vocabulary" if shared else "source/target vocabularies"
    return f"CTranslate2 model ({quantization or 'quantization not recorded'}), {vocab}"


# -- getting the files ----------------------------------------------------------------------------
def _copy_from_cache(snapshot: Path, target: Path) -> None:
    """Copy the needed files of a cached snapshot (symlinks into blobs/) as real files."""
    files = select_files(p.name for p in snapshot.iterdir())
    target.mkdir(parents=True, exist_ok=True)
    for name in files:
        shutil.copy2(snapshot / name, target / name)  # follows the cache's symlinks


def fetch(repo_id: str, target: Path, log: Log) -> None:
    """Download the needed files of `repo_id` into `target` (resumes a partial download)."""
    from huggingface_hub import HfApi, snapshot_download
    from huggingface_hub.errors import GatedRepoError, RepositoryNotFoundError

    try:
        info = HfApi().model_info(repo_id, files_metadata=True)
        siblings = {s.rfilename: s.size or 0 for s in info.siblings or []}
        files = select_files(siblings)
        if "config.json" not in files:
            raise PrepareError(f"{repo_id} has no config.json: not a transformers model")
        if not any(f.endswith((".safetensors", ".bin")) for f in files):
            raise PrepareError(f"{repo_id} has no PyTorch weights (model.safetensors or pytorch_model.bin)")
        total = sum(siblings[f] for f in files)
        log(f"{repo_id}: downloading {len(files)} files ({human_size(total)}) into {target}")
        snapshot_download(repo_id, revision=info.sha, local_dir=target, allow_patterns=files)
    except GatedRepoError:
        raise PrepareError(
            f"{repo_id} is gated: accept its terms on huggingface.co and set HF_TOKEN, then run again"
        ) from None
    except RepositoryNotFoundError:
        raise PrepareError(
            f"{repo_id}: no such model on the Hugging Face Hub (or it is private: set HF_TOKEN)"
        ) from None
    except PrepareError:
        raise
    except Exception as exc:  # HTTP errors, dropped connections (httpx, not OSError), a full disk
        raise PrepareError(
            f"{repo_id}: download failed ({type(exc).__name__}: {exc}); run again to resume"
        ) from None


def needs_network(name: str, store: Path, refresh: bool) -> bool:
    """Would preparing `name` have to download anything?"""
    if Path(name).expanduser().is_dir() or not is_hub_id(name):
        return False  # a directory, or a name prepare_model rejects with its own message
    if refresh:
        return True
    return not is_complete_model(store / store_name(name)) and from_hf_cache(name) is None


def network_problem(missing: list[str]) -> str | None:
    """Why the models in `missing` cannot be downloaded now, or None when the hub is usable."""
    if not missing:
        return None
    names = ", ".join(missing)
    if is_offline():
        return (
            f"{names}: not in the model store nor the Hugging Face cache, and HF_HUB_OFFLINE=1 is set. "
            "Run this script on a machine with internet access (without HF_HUB_OFFLINE) and copy the "
            "model directory here, or unset HF_HUB_OFFLINE."
        )
    if not hub_reachable():
        from huggingface_hub import constants

        return (
            f"{names}: not in the model store nor the Hugging Face cache, and the hub "
            f"({constants.ENDPOINT}) cannot be reached. Check the network (or HF_ENDPOINT), or prepare "
            "the models on a connected machine and copy the directory here."
        )
    return None


def prepare_model(name: str, store: Path, *, refresh: bool = False, log: Log = print) -> Prepared:
    """Make `name` (hub id or directory) ready in `store` and check it."""
    direct = Path(name).expanduser()
    if direct.is_dir():
        if not is_complete_model(direct):
            raise PrepareError(f"{direct} does not hold a complete model (config, weights, tokenizer)")
        return Prepared(name, direct, disk_size(direct), "directory", verify(direct))
    if not is_hub_id(name):
        raise PrepareError(f"{name!r} is neither a directory nor a hub id such as org/name")

    target = store / store_name(name)
    how = "already prepared"
    if refresh or not is_complete_model(target):
        cached = None if refresh else from_hf_cache(name)
        if cached is not None:
            log(f"{name}: copying from the Hugging Face cache ({cached})")
            _copy_from_cache(cached, target)
            how = "copied from the HF cache"
        else:
            problem = network_problem([name])
            if problem:
                raise PrepareError(problem)
            fetch(name, target, log)
            how = "downloaded"
        if not is_complete_model(target):
            raise PrepareError(f"{name}: files missing in {target} (config, weights or tokenizer)")
    return Prepared(name, target, disk_size(target), how, verify(target))


def convert_model(
    source: Prepared, store: Path, *, refresh: bool = False, log: Log = print
) -> Prepared:
    """CTranslate2 int8 conversion of a prepared model, beside it in the store. A model the
    converter does not support (such as umT5) fails with one PrepareError line."""
    # Beside the prepared directory: for a hub id that is the model store, where the loader looks.
    out = converted_dir(str(source.path))
    how = "already converted"
    if refresh or not is_complete_ct2_model(out):
        log(f"{source.name}: converting to CTranslate2 int8 into {out}")
        try:
            out = convert_to_ct2(str(source.path), out, force=True)  # reached only to (re)build
        except Exception as exc:  # the converter's errors are many and model-specific
            raise PrepareError(
                f"{source.name}: CTranslate2 conversion failed ({type(exc).__name__}: {exc})"
            ) from None
        how = "converted"
    return Prepared(f"{source.name} (ct2 int8)", out, disk_size(out), how, verify_ct2(out), "ct2")


def prepare_models(
    wanted: list[tuple[str, str]], store: Path, *, refresh: bool = False, ct2: bool = False, log: Log = print
) -> list[tuple[str, Prepared]]:
    """Prepare each (role, name) in the store, and its CTranslate2 conversion with `ct2`.

    Fails in seconds, before any slow check, when something must be downloaded and cannot be.
    """
    if not wanted:
        raise ValueError("nothing to prepare: give --translator, --summarizer or --all")
    problem = network_problem([name for _, name in wanted if needs_network(name, store, refresh)])
    if problem:
        raise PrepareError(problem)
    done: list[tuple[str, Prepared]] = []
    for role, name in wanted:
        prepared = prepare_model(name, store, refresh=refresh, log=log)
        done.append((role, prepared))
        if ct2:
            done.append((role, convert_model(prepared, store, refresh=refresh, log=log)))
    return done


def environment_lines(store: Path, done: list[tuple[str, Prepared]], ct2: bool) -> list[str]:
    """`export …` lines that make the service use what was prepared."""
    def value(prepared: Prepared) -> str:
        return str(prepared.path.resolve()) if prepared.how == "directory" else prepared.name

    translators = [p for role, p in done if role == "translator" and p.backend == "torch"]
    summarizers = [p for role, p in done if role == "summarizer" and p.backend == "torch"]
    lines = [f"export DIGEST_MODELS_DIR={shlex.quote(str(store.resolve()))}"]
    if translators:
        lines.append(f"export DIGEST_TRANSLATOR={shlex.quote(value(translators[0]))}")
    if summarizers:
        lines.append(f"export DIGEST_SUMMARIZER={shlex.quote(value(summarizers[0]))}")
    if ct2:
        lines.append("export DIGEST_BACKEND=ct2")
    lines.append("export HF_HUB_OFFLINE=1")
    others = [value(p) for p in translators[1:] + summarizers[1:]]
    if others:
        lines.append(f"# also prepared (use instead): {', '.join(others)}")
    return lines
