"""Load a seq2seq model by hub id or directory, on the backend asked for.

Backends:
  auto   CTranslate2 when a converted model is on disk (the directory itself, or its conversion
         beside it / in the model store, see models/store.py); with `convert=True` a model without
         one is converted to int8 first (models/auto_convert.py); else PyTorch. A conversion that
         fails (to be made or to load) falls back to PyTorch, the reason kept in `info.details`.
  ct2    CTranslate2 only; without a conversion, one ModelNotAvailableError saying how to convert.
  torch  PyTorch (transformers) only.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import Path
from typing import Any

from models.base import Seq2SeqModel
from models.errors import ModelNotAvailableError
from models.locate import locate_model
from models.registry import generation_options, input_prefix
from models.store import ct2_candidates, find_ct2_model, is_ct2_model

BACKENDS = ("auto", "torch", "ct2")

log = logging.getLogger(__name__)


class NotConvertedError(ModelNotAvailableError):
    """backend="ct2" was asked for, but no CTranslate2 conversion of the model exists."""

    def __init__(self, name: str, looked_in: list[Path]) -> None:
        places = ", ".join(str(p) for p in looked_in[:2])
        super().__init__(
            name,
            "no CTranslate2 conversion found",
            f"Model '{name}' has no CTranslate2 conversion (looked for {places}).",
        )


def _ct2_available() -> bool:
    try:
        import ctranslate2  # noqa: F401
    except ImportError:
        return False
    return True


def load_seq2seq(
    name_or_path: str,
    *,
    backend: str = "auto",
    device: str | None = None,
    prefix: str | None = None,
    store: Path | None = None,
    compute_type: str | None = None,
    intra_threads: int | None = None,
    batch_window_s: float | None = None,
    convert: bool = False,
    on_convert: Callable[[], None] | None = None,
) -> Seq2SeqModel:
    """Load `name_or_path` (hub id or directory). Raises ModelNotAvailableError when missing.

    The registry's input prefix (unless `prefix` is given) and generation options for the model
    are applied by the returned model itself. `store`: the model store (default ./model-store).
    CTranslate2 only: `compute_type` (default int8 on CPU, int8_float16 on CUDA), `intra_threads`
    (default: the CPUs this process may use), `batch_window_s` (micro-batcher window; 0 = off).
    `convert` (backend auto only): convert a model that has no CTranslate2 conversion to int8 in
    the store first; `on_convert` is called when that work starts.
    """
    ct2 = {"compute_type": compute_type, "intra_threads": intra_threads, "batch_window_s": batch_window_s}
    model = _load(name_or_path, backend, device, input_prefix(name_or_path) if prefix is None else prefix,
                  store, ct2, convert=convert, on_convert=on_convert)
    model.generation = generation_options(name_or_path)
    return model


def _load(
    name_or_path: str,
    backend: str,
    device: str | None,
    prefix: str,
    store: Path | None,
    ct2: dict[str, Any],
    *,
    convert: bool = False,
    on_convert: Callable[[], None] | None = None,
) -> Seq2SeqModel:
    if backend not in BACKENDS:
        raise ValueError(f"unknown backend {backend!r}; choose one of {', '.join(BACKENDS)}")

    converted = find_ct2_model(name_or_path, store) if backend != "torch" else None
    if backend == "ct2":
        if converted is None:
            raise NotConvertedError(name_or_path, ct2_candidates(name_or_path, store))
        return _load_ct2(name_or_path, converted, device, prefix, ct2)

    ct2_error = None
    if backend == "auto" and converted is None and convert and _ct2_available():
        from models.auto_convert import conversion_failure, convert_on_first_load

        converted = convert_on_first_load(name_or_path, store, on_convert)
        ct2_error = conversion_failure(name_or_path)
    if converted is not None and _ct2_available():
        try:
            return _load_ct2(name_or_path, converted, device, prefix, ct2)
        except Exception as exc:  # a broken conversion must not cost the user the model
            ct2_error = f"{converted}: {type(exc).__name__}: {exc}"
            log.warning("CTranslate2 model %s failed to load, using PyTorch: %s", converted, exc)

    path = locate_model(name_or_path, store=store)
    if is_ct2_model(path):  # a CTranslate2 directory has no PyTorch weights to fall back on
        why = f"it failed to load ({ct2_error})" if ct2_error else "use backend ct2 or auto"
        raise ModelNotAvailableError(name_or_path, f"it is a CTranslate2 model directory; {why}")
    from models.torch_backend import TransformersSeq2Seq

    model = TransformersSeq2Seq(name_or_path, path, device=device, prefix=prefix)
    if ct2_error:
        model.info.details["ct2_error"] = ct2_error
    return model


def _load_ct2(name: str, path: Path, device: str | None, prefix: str, ct2: dict[str, Any]) -> Seq2SeqModel:
    from models.ct2_backend import CT2Seq2Seq

    return CT2Seq2Seq(name, path, device=device, prefix=prefix, **ct2)
