"""Shared fixtures. Nothing here touches the network: models are built locally, offline."""

from __future__ import annotations

import importlib.util
import os
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType

import pytest

# Before anything imports huggingface_hub/gradio: no hub, no telemetry.
os.environ["HF_HUB_OFFLINE"] = "1"
os.environ["GRADIO_ANALYTICS_ENABLED"] = "False"
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
# Tests run servers and subprocesses side by side on 2 cores: one thread each avoids the
# oversubscription that makes tiny-model generation tens of times slower. No test times speed.
os.environ.setdefault("OMP_NUM_THREADS", "1")
# A conversion written beside the shared tiny models would switch every later test that loads them
# with backend "auto" to CTranslate2: tests convert only copies (tests/test_auto_convert.py).
os.environ["DIGEST_CONVERT"] = "off"

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "ui" / "examples"
SAMPLES = sorted(EXAMPLES.glob("el-news-*.txt"))


def subprocess_env(*, remove: tuple[str, ...] = (), **extra: str) -> dict[str, str]:
    """The environment for a test's subprocess: no DIGEST_* setting from the developer's shell,
    except DIGEST_CONVERT=off (see the top of this file), one thread, and `extra` on top."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("DIGEST_") and k not in remove}
    return {**env, "DIGEST_CONVERT": "off", "OMP_NUM_THREADS": "1", **extra}


def load_script(name: str) -> ModuleType:
    """scripts/<name>.py as a module (scripts/ is not a package: it is run as `python scripts/x.py`)."""
    spec = importlib.util.spec_from_file_location(f"scripts_{name}", ROOT / "scripts" / f"{name}.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="session")
def tiny_models(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Path]]:
    """Tiny random-weight Marian (translator), mT5 and mBART (summarisers), built once."""
    from devtools.tiny_models import build_tiny_models

    directory = tmp_path_factory.mktemp("tiny-models")
    yield build_tiny_models(directory)
    # A test that let the service convert a shared model (Settings(...) defaults to convert=True)
    # changed the backend of every test after it: name the leftover so it gets fixed.
    assert not list(directory.glob("*-ct2-*")), "a test converted a shared tiny model: pass convert=False"


@pytest.fixture(scope="session")
def sample_texts() -> dict[str, str]:
    return {p.stem: p.read_text(encoding="utf-8") for p in SAMPLES}


@pytest.fixture
def isolated_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    """No DIGEST_* settings leak in from the developer's shell; an empty model store."""
    for key in list(os.environ):
        if key.startswith("DIGEST_"):
            monkeypatch.delenv(key)
    monkeypatch.setenv("DIGEST_MODELS_DIR", str(tmp_path / "store"))
    monkeypatch.setenv("DIGEST_CONVERT", "off")  # see the top of this file
    monkeypatch.setenv("HF_HOME", str(tmp_path / "hf-home"))
    return tmp_path
