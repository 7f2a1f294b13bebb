"""Convert a model to CTranslate2 int8 the first time it is loaded (DIGEST_BACKEND=auto, the
default): the service is then fast from its first start, without a separate `--ct2` step.

The conversion goes where models/store.py says the loader looks (the model store; beside a model
directory whose parent is writable), so the next start finds it and converts nothing. Writing it
is models.convert's job (temporary directory, rename, file lock). A model CTranslate2 cannot
convert (umT5, a converter error, a read-only store) is served by PyTorch: one warning per process;
the next start tries again (an unsupported architecture fails before any weights are read, so the
retry costs milliseconds; a transient failure such as a full disk heals itself).
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from pathlib import Path

from models.convert import convert_to_ct2
from models.errors import ModelNotAvailableError
from models.locate import locate_model
from models.store import converted_dir

log = logging.getLogger(__name__)
_failed: dict[str, str] = {}  # name -> why its conversion failed: not retried within this process


def conversion_failure(name_or_path: str) -> str | None:
    """Why converting `name_or_path` failed earlier in this process (None: it did not)."""
    return _failed.get(name_or_path)


def convert_on_first_load(
    name_or_path: str, store: Path | None, on_start: Callable[[], None] | None = None
) -> Path | None:
    """The int8 conversion of `name_or_path`, converted now unless another process just did.

    None when the model cannot be converted (the reason: conversion_failure()) or is not on disk
    and cannot be downloaded (the PyTorch path then raises the usual ModelNotAvailableError).
    `on_start` is called before the work starts (the service's status shows "converting…").
    """
    if name_or_path in _failed:
        return None
    try:
        source = locate_model(name_or_path, store=store)  # may download: "just downloaded" models too
    except ModelNotAvailableError:
        return None
    out = converted_dir(name_or_path, store=store)
    if on_start is not None:
        on_start()
    # INFO, not WARNING: a model CTranslate2 cannot convert must cost exactly one warning (below).
    found = "" if str(source) == name_or_path else f" (found in {source})"
    log.info("converting %s%s to CTranslate2 int8 in %s: once, on its first start…", name_or_path, found, out)
    started = time.perf_counter()
    try:
        convert_to_ct2(name_or_path, out, store=store)
    except Exception as exc:  # unsupported architecture, converter bug, disk full, read-only store
        reason = f"{type(exc).__name__}: {exc}"
        _failed[name_or_path] = reason
        log.warning("could not convert %s to CTranslate2 (%s); serving it with PyTorch", name_or_path, reason)
        return None
    log.info("%s is ready for CTranslate2 in %s (%.1f s)", name_or_path, out, time.perf_counter() - started)
    return out
