"""The first start converts the translator to CTranslate2 int8 by itself (DIGEST_BACKEND=auto).

Every test converts its own copy of the tiny translator (never the shared fixture: see conftest).
Processes are real subprocesses where the point is a second process: a SIGKILL mid-way, two
starts at once. models.convert's test-only hook `_after_model_written` marks "mid-way": it runs
when CTranslate2's files are in the temporary directory and nothing else is.
"""

from __future__ import annotations

import logging
import os
import shutil
import signal
import subprocess
import sys
import time
from dataclasses import replace
from pathlib import Path

import pytest

from service.config import Settings
from service.digest_service import DigestService
from tests.conftest import ROOT, load_script, subprocess_env

TEXT = "Η κυβέρνηση ανακοίνωσε νέα μέτρα για την ενέργεια. Οι τιμές θα μειωθούν από τον Ιανουάριο."

# One service start in a subprocess: argv = model directory, model store, and two optional files:
# `record` gets a line per conversion this process writes; `pause` makes the conversion stop
# mid-way (after touching that file) until killed. `ready`/`go`: both processes start together.
START = """
import os, sys, time
from pathlib import Path
import models.convert as convert
from service.config import Settings
from service.digest_service import DigestService

model, store, record, pause, ready, go = sys.argv[1:7]

def mid_way(partial):
    if record:
        with open(record, "a") as f:
            f.write(f"{os.getpid()}\\n")
    if pause:
        Path(pause).write_text(str(partial))
        time.sleep(600)
    time.sleep(1)  # widen the window in which a second writer could start

convert._after_model_written = mid_way
if ready:
    Path(ready).touch()
    while not Path(go).exists():
        time.sleep(0.05)
service = DigestService(Settings(translator=model, models_dir=Path(store), num_beams=1, convert=True)).load()
print(service.status().to_dict()["translator"]["backend"])
"""


def start_process(model: Path, store: Path, *, record: Path | str = "", pause: Path | str = "",
                  ready: Path | str = "", go: Path | str = "") -> subprocess.Popen[str]:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    args = [str(model), str(store), str(record), str(pause), str(ready), str(go)]
    return subprocess.Popen([sys.executable, "-c", START, *args], env=env, cwd=ROOT,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def wait_for(path: Path, process: subprocess.Popen[str], seconds: float = 300) -> None:
    deadline = time.monotonic() + seconds
    while not path.exists():
        assert process.poll() is None, process.communicate()[1][-2000:]
        assert time.monotonic() < deadline, f"{path} never appeared"
        time.sleep(0.1)


@pytest.fixture
def model_dir(tiny_models: dict[str, Path], tmp_path: Path) -> Path:
    """A private, unconverted copy of the tiny translator."""
    return Path(shutil.copytree(tiny_models["translator"], tmp_path / "translator"))


def start(model: Path, store: Path, **overrides: object) -> DigestService:
    settings = Settings(translator=str(model), models_dir=store, num_beams=1, convert=True)
    return DigestService(replace(settings, **overrides)).load()


def snapshot(directory: Path) -> dict[str, tuple[int, int]]:
    """(inode, mtime) of every file under `directory`: changes when anything is rewritten."""
    return {str(p.relative_to(directory)): (p.stat().st_ino, p.stat().st_mtime_ns)
            for p in sorted(directory.rglob("*"))}


def test_first_start_converts_and_serves_what_the_script_gives(model_dir: Path, tmp_path: Path) -> None:
    converted = tmp_path / "translator-ct2-int8"
    assert not converted.exists()

    service = start(model_dir, tmp_path / "store")
    status = service.status().to_dict()["translator"]
    assert (converted / "model.bin").is_file() and (converted / "ct2_model.json").is_file()
    assert status["state"] == "loaded" and status["backend"] == "ct2"
    assert service.translator is not None and service.translator.info.path == str(converted)
    assert not list(tmp_path.glob(".translator-ct2-int8.partial-*"))

    reference = tmp_path / "by-script"
    assert load_script("convert_ct2").main([str(model_dir), "--out", str(reference)]) == 0
    by_script = DigestService(Settings(translator=str(reference), backend="ct2", num_beams=1)).load()
    assert service.translate(TEXT).text == by_script.translate(TEXT).text


def test_status_says_converting_while_it_runs(
    model_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import models.convert

    service = DigestService(Settings(translator=str(model_dir), models_dir=tmp_path / "store", convert=True))
    seen: list[str] = []
    monkeypatch.setattr(models.convert, "_after_model_written",
                        lambda _: seen.append(service.status().to_dict()["translator"]["state"]))
    service.load()
    assert seen == ["converting…"]
    assert service.status().to_dict()["translator"]["state"] == "loaded"


def test_second_start_does_not_convert_again(model_dir: Path, tmp_path: Path) -> None:
    start(model_dir, tmp_path / "store")
    converted = tmp_path / "translator-ct2-int8"
    before, listing = snapshot(converted), sorted(p.name for p in tmp_path.iterdir())

    service = start(model_dir, tmp_path / "store")
    assert service.status().to_dict()["translator"]["backend"] == "ct2"
    assert snapshot(converted) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == listing


def test_a_read_only_parent_sends_the_conversion_to_the_store(
    model_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import models.store

    store = tmp_path / "store"
    # The parent reads as not writable (chmod would not stop root, who may run the tests).
    monkeypatch.setattr(models.store.os, "access", lambda path, mode: Path(path) != tmp_path)
    service = start(model_dir, store)
    assert service.status().to_dict()["translator"]["backend"] == "ct2"
    (converted,) = store.glob("translator-*-ct2-int8")
    assert service.translator is not None and service.translator.info.path == str(converted)
    assert not (tmp_path / "translator-ct2-int8").exists()


def test_off_and_torch_never_convert(
    model_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("DIGEST_CONVERT", "off")
    assert Settings.from_env().convert is False
    monkeypatch.setenv("DIGEST_CONVERT", "maybe")
    with pytest.raises(ValueError, match="DIGEST_CONVERT must be on or off"):
        Settings.from_env()

    for overrides in ({"convert": False}, {"backend": "torch"}):
        service = start(model_dir, tmp_path / "store", **overrides)
        assert service.status().to_dict()["translator"]["backend"] == "torch"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["translator"]


def test_a_failed_conversion_falls_back_to_torch_with_one_warning(
    model_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    import models.auto_convert
    import models.convert

    def unsupported(*_: object) -> None:
        raise ValueError("No conversion is registered for the model configuration UMT5Config")

    monkeypatch.setattr(models.convert, "_convert", unsupported)
    monkeypatch.setattr(models.auto_convert, "_failed", {})
    with caplog.at_level(logging.WARNING):
        first = start(model_dir, tmp_path / "store")
        again = start(model_dir, tmp_path / "store")  # same process: not retried
    for service in (first, again):
        assert service.translator is not None and service.translator.info.backend == "torch"
        assert "UMT5Config" in service.translator.info.details["ct2_error"]
    warnings = [r for r in caplog.records if r.levelno == logging.WARNING and "convert" in r.getMessage()]
    assert len(warnings) == 1
    assert [p.name for p in tmp_path.iterdir() if not p.name.endswith(".lock")] == ["translator"]


def test_a_conversion_killed_mid_way_is_redone_never_loaded(model_dir: Path, tmp_path: Path) -> None:
    store, paused = tmp_path / "store", tmp_path / "paused"
    process = start_process(model_dir, store, pause=paused)
    try:
        wait_for(paused, process)
        partial = Path(paused.read_text())
        assert (partial / "model.bin").is_file()
    finally:
        process.send_signal(signal.SIGKILL)
        process.communicate()
    assert process.returncode == -signal.SIGKILL
    converted = tmp_path / "translator-ct2-int8"
    assert partial.is_dir() and not converted.exists()  # what a kill leaves behind

    service = start(model_dir, store)
    assert service.status().to_dict()["translator"]["backend"] == "ct2"
    assert (converted / "ct2_model.json").is_file() and not partial.exists()


def test_two_starts_at_once_convert_once(model_dir: Path, tmp_path: Path) -> None:
    store, record, go = tmp_path / "store", tmp_path / "conversions", tmp_path / "go"
    processes = [
        start_process(model_dir, store, record=record, ready=tmp_path / f"ready-{i}", go=go) for i in (0, 1)
    ]
    for i, process in enumerate(processes):
        wait_for(tmp_path / f"ready-{i}", process)
    go.touch()
    outputs = [process.communicate(timeout=300) for process in processes]
    for process, (out, err) in zip(processes, outputs, strict=True):
        assert process.returncode == 0, err[-2000:]
        assert out.strip() == "ct2"
    assert len(record.read_text().splitlines()) == 1
    assert (tmp_path / "translator-ct2-int8" / "ct2_model.json").is_file()
    assert not list(tmp_path.glob(".translator-ct2-int8.partial-*"))


def test_the_command_line_says_it_is_converting(model_dir: Path, tmp_path: Path) -> None:
    """The CLI sets up no logging of its own, yet a first-start conversion (seconds of silence
    otherwise) is announced on stderr."""
    env = subprocess_env(DIGEST_CONVERT="on", DIGEST_MODELS_DIR=str(tmp_path / "store"))
    result = subprocess.run(
        [sys.executable, "-m", "service", "translate", "-", "--translator", str(model_dir),
         "--format", "text"],
        input=TEXT, env=env, cwd=ROOT, capture_output=True, text=True, timeout=300,
    )
    assert result.returncode == 0, result.stderr
    assert "note: converting" in result.stderr
    assert (tmp_path / "translator-ct2-int8").is_dir()
