"""The service's configured models, what became of loading them, and the status view of them."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from models import ModelNotAvailableError, Seq2SeqModel, locate_model
from models.loader import NotConvertedError
from models.locate import disk_size, human_size
from models.registry import lookup
from models.store import is_hub_id


@dataclass
class ServiceStatus:
    """Which models are configured and loaded (with the fix when missing), the backend, the limits
    and the summary methods available. to_dict() is the JSON the status API has always served."""

    translator: dict[str, Any]
    summarizer: dict[str, Any]
    backend: str
    limits: dict[str, int]
    methods: list[str] = field(default_factory=list)
    cache: dict[str, Any] = field(default_factory=dict)  # translation cache: size, capacity, hits, misses

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass
class ModelSlot:
    """A configured model and what became of loading it."""

    role: str  # "translator" or "summarizer"
    name: str
    store: Path | None = None  # the model store it is looked for in
    model: Seq2SeqModel | None = None
    error: str | None = None
    fix: str | None = None
    attempted: bool = False
    activity: str | None = None  # "converting…" while a first start converts it to CTranslate2
    _disk: tuple[str, int] | None = None  # (path, bytes): measured once, directories do not change

    def _found(self) -> str | None:
        """The model's local directory without loading it (None when it is not on disk)."""
        if self.model is not None:
            return self.model.info.path
        try:
            return str(locate_model(self.name, store=self.store, download=False))
        except Exception:  # missing, or anything else: a status view must never fail
            return None

    def status(self, backend: str) -> dict[str, Any]:
        state = "loaded" if self.model else ("missing" if self.attempted else self.activity or "not loaded")
        path = self._found()
        data: dict[str, Any] = {
            "configured": self.name,
            "state": state,
            "found": path is not None,
            "backend": self.model.info.backend if self.model else backend,
        }
        known = lookup(self.name)
        if known is not None:
            data.update(family=known.family, parameters=known.parameters)
        if self.model:
            info = self.model.info
            data.update(
                device=info.device,
                max_input_tokens=info.max_input_tokens,
                load_seconds=round(info.load_seconds, 3),
            )
        if path is not None:
            if self._disk is None or self._disk[0] != path:
                self._disk = (path, disk_size(Path(path)))
            data.update(path=path, size_bytes=self._disk[1], size=human_size(self._disk[1]))
        if self.error:
            data["error"] = self.error
            data["fix"] = self.fix
        return data


def fix_line(role: str, name: str, exc: Exception) -> str:
    """What to do about a model that did not load, in one line: the only place this is written
    (the model layer's errors say what is wrong, not what to do)."""
    if isinstance(exc, NotConvertedError):
        return (
            f"Convert it: python scripts/download_models.py --{role} {name} --ct2 "
            "(or use DIGEST_BACKEND=torch)."
        )
    if isinstance(exc, ModelNotAvailableError):
        if Path(name).expanduser().is_dir() or not is_hub_id(name):
            env = "DIGEST_TRANSLATOR" if role == "translator" else "DIGEST_SUMMARIZER"
            return f"Point {env} at a directory holding a model (config.json, weights, tokenizer)."
        return (
            f"On a connected machine run .venv/bin/python scripts/download_models.py --{role} {name} "
            "(make models does this for the default translator), copy its model-store/ here and set "
            "DIGEST_MODELS_DIR to it."
        )
    return (
        f"Check the files with python scripts/download_models.py --{role} {name} (it verifies "
        "them), or configure another model."
    )
