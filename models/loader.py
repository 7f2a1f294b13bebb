"""Load a seq2seq model by hub id or directory, on the backend asked for."""

from __future__ import annotations

from pathlib import Path

from models.base import Seq2SeqModel
from models.locate import locate_model

BACKENDS = ("auto", "torch", "ct2")


def load_seq2seq(
    name_or_path: str,
    *,
    backend: str = "auto",
    device: str | None = None,
    prefix: str = "",
    store: Path | None = None,
) -> Seq2SeqModel:
    """Load `name_or_path` (hub id or directory). Raises ModelNotAvailableError when missing."""
    if backend not in BACKENDS:
        raise ValueError(f"unknown backend {backend!r}; choose one of {', '.join(BACKENDS)}")
    path = locate_model(name_or_path, store=store)
    from models.torch_backend import TransformersSeq2Seq

    return TransformersSeq2Seq(name_or_path, path, device=device, prefix=prefix)
