"""Settings of the service, from the environment with explicit overrides (CLI flags, tests).

The only place DIGEST_* model variables are read: models/ gets them passed in."""

from __future__ import annotations

import argparse
import math
import os
from dataclasses import dataclass, fields, replace
from pathlib import Path
from typing import TypeVar

from models.loader import BACKENDS
from models.registry import DEFAULT_TRANSLATOR
from models.store import DEFAULT_MODELS_DIR
from service.cache import DEFAULT_CACHE_SIZE
from service.errors import InputError

T = TypeVar("T")
NO_MODEL = "none"  # DIGEST_TRANSLATOR=none: Greek bullets only
AUTO, EXTRACTIVE, ABSTRACTIVE = "auto", "extractive", "abstractive"
METHODS = (AUTO, EXTRACTIVE, ABSTRACTIVE)  # how digest() picks key points (CLI, batch, page)
MAX_BULLETS = 10  # most key points per digest: the service, its status, the page and the API


_KINDS = {type(None): "nothing (null)", str: "a string", list: "a list", dict: "an object",
          bool: "true/false"}


def check_bullets(value: object) -> int:
    """A bullet count from any caller (API JSON, CLI flag, setting) as an int in 1..MAX_BULLETS.

    Raises InputError with a one-line reason for anything else: a string, None, a list, NaN, 2.5.
    """
    if isinstance(value, bool) or not isinstance(value, int | float):
        # The type, never the value: the message is shown as HTML in the page's error toast.
        got = _KINDS.get(type(value), f"a {type(value).__name__}")
        raise InputError(f"bullets must be a whole number from 1 to {MAX_BULLETS}, got {got}")
    if not math.isfinite(value) or value != int(value):
        raise InputError(f"bullets must be a whole number from 1 to {MAX_BULLETS}, got {value!r}")
    if not 1 <= value <= MAX_BULLETS:
        raise InputError(f"bullets must be from 1 to {MAX_BULLETS}, got {int(value)}")
    return int(value)


def with_overrides(settings: T, overrides: dict[str, object]) -> T:
    """`settings` (a dataclass) with the overrides that are not None; unknown names are an error."""
    unknown = set(overrides) - {f.name for f in fields(settings)}
    if unknown:
        raise TypeError(f"unknown settings: {', '.join(sorted(unknown))}")
    return replace(settings, **{k: v for k, v in overrides.items() if v is not None})


def int_env(name: str, default: int, minimum: int | None = None) -> int:
    """The integer in environment variable `name` (`default` when unset); ValueError, one line, when
    it is not an integer or is below `minimum`."""
    raw = os.environ.get(name, "").strip()
    if not raw:
        return default
    try:
        value = int(raw)
    except ValueError:
        raise ValueError(f"{name} must be an integer, got {raw!r}") from None
    if minimum is not None and value < minimum:
        raise ValueError(f"{name} must be at least {minimum}, got {value}")
    return value


def _float_env(name: str) -> float | None:
    raw = os.environ.get(name, "").strip()
    if not raw:
        return None
    try:
        return float(raw)
    except ValueError:
        raise ValueError(f"{name} must be a number, got {raw!r}") from None


def _switch_env(name: str, default: bool) -> bool:
    """on/off (also 1/0, true/false, yes/no) in environment variable `name`; one-line ValueError."""
    raw = os.environ.get(name, "").strip().lower()
    if not raw:
        return default
    if raw in {"on", "1", "true", "yes"}:
        return True
    if raw in {"off", "0", "false", "no"}:
        return False
    raise ValueError(f"{name} must be on or off, got {raw!r}")


def model_store() -> Path:
    """The model store: $DIGEST_MODELS_DIR, else ./model-store of the checkout (scripts use this for
    their default --dir, the service through Settings.models_dir)."""
    return Path(os.environ.get("DIGEST_MODELS_DIR") or DEFAULT_MODELS_DIR).expanduser()


def dask_scheduler() -> str | None:
    """$DIGEST_DASK_SCHEDULER: the Dask scheduler the batch job's `--engine dask` uses by default."""
    return os.environ.get("DIGEST_DASK_SCHEDULER", "").strip() or None


@dataclass(frozen=True)
class Settings:
    translator: str = DEFAULT_TRANSLATOR  # hub id, directory, or "none"
    summarizer: str = EXTRACTIVE  # "extractive", a hub id or a directory
    backend: str = "auto"  # auto | torch | ct2
    device: str | None = None  # cpu, cuda, or None for automatic
    max_chars: int = 20_000  # longest article accepted, in characters of text
    bullets: int = 5
    num_beams: int | None = None  # None: the model's own generation config
    max_new_tokens: int | None = None  # None: the model's own length limit
    batch_size: int = 16
    models_dir: Path = DEFAULT_MODELS_DIR  # the model store
    ct2_threads: int | None = None  # CTranslate2 CPU threads (None: the CPUs this process may use)
    ct2_compute_type: str | None = None  # None: int8 on CPU, int8_float16 on CUDA
    ct2_batch_window_ms: float | None = None  # micro-batcher window (None: 3 ms; 0: off)
    convert: bool = True  # backend auto: convert a model without a CTranslate2 conversion on first load
    checks: bool = True  # check every English line against its Greek (DIGEST_CHECKS=on|off)
    glossary: str | None = None  # user TSV merged over the shipped one; "none": no glossary at all
    cache_size: int = DEFAULT_CACHE_SIZE  # sentences in the in-memory translation cache; 0 = off
    cache_dir: str | None = None  # on-disk translation cache (batch jobs: --cache DIR)
    max_briefing_chars: int = 100_000  # all the articles of one briefing together, in characters of text

    def __post_init__(self) -> None:
        # Checked here, once, so a typo fails at start-up with one line instead of failing
        # every request (or, in a batch job, being recorded as every record's error).
        if self.backend not in BACKENDS:
            raise ValueError(f"backend must be one of {', '.join(BACKENDS)}, got {self.backend!r}")
        for name in ("max_chars", "bullets", "batch_size", "num_beams", "max_new_tokens", "ct2_threads",
                     "max_briefing_chars"):
            value = getattr(self, name)
            if value is not None and value < 1:
                raise ValueError(f"{name} must be at least 1, got {value}")
        if self.bullets > MAX_BULLETS:
            raise ValueError(f"bullets must be at most {MAX_BULLETS}, got {self.bullets}")
        if self.cache_size < 0:
            raise ValueError(f"cache_size must be 0 (off) or more, got {self.cache_size}")

    @classmethod
    def from_env(cls, **overrides: object) -> Settings:
        env = cls(
            translator=os.environ.get("DIGEST_TRANSLATOR") or DEFAULT_TRANSLATOR,
            summarizer=os.environ.get("DIGEST_SUMMARIZER") or EXTRACTIVE,
            backend=os.environ.get("DIGEST_BACKEND") or "auto",
            device=os.environ.get("DIGEST_DEVICE") or None,
            max_chars=article_limit(),
            bullets=int_env("DIGEST_BULLETS", cls.bullets),
            models_dir=model_store(),
            ct2_threads=int_env("DIGEST_CT2_THREADS", 0) or None,
            ct2_compute_type=os.environ.get("DIGEST_CT2_COMPUTE_TYPE", "").strip() or None,
            ct2_batch_window_ms=_float_env("DIGEST_CT2_BATCH_WINDOW_MS"),
            convert=_switch_env("DIGEST_CONVERT", cls.convert),
            checks=_switch_env("DIGEST_CHECKS", cls.checks),
            glossary=os.environ.get("DIGEST_GLOSSARY", "").strip() or None,
            cache_size=int_env("DIGEST_CACHE_SIZE", cls.cache_size),
            max_briefing_chars=int_env("DIGEST_MAX_BRIEFING_CHARS", cls.max_briefing_chars),
        )
        return with_overrides(env, overrides)


def article_limit(flag: int | None = None) -> int:
    """The longest article accepted: --max-chars, else DIGEST_MAX_CHARS, else the default; checked as
    in Settings. Alone, for commands that load no model (a bad model setting must not stop them)."""
    chars = flag if flag is not None else int_env("DIGEST_MAX_CHARS", Settings.max_chars)
    return Settings(max_chars=chars).max_chars


def add_model_flags(parser: argparse.ArgumentParser, *, summarizer: bool = True) -> None:
    """The model flags every entry point shares (CLI, batch job, web app)."""
    parser.add_argument("--translator", help="hub id, model directory or 'none' "
                        "(default: $DIGEST_TRANSLATOR or the registry default)")
    if summarizer:
        parser.add_argument("--summarizer", help="'extractive', a hub id or a model directory "
                            "(default: $DIGEST_SUMMARIZER or extractive)")
    parser.add_argument("--backend", choices=BACKENDS,
                        help="inference backend (default: $DIGEST_BACKEND or auto)")
    parser.add_argument("--max-chars", type=int, help="longest article accepted (default 20000)")
    parser.add_argument("--glossary", help="TSV greek<TAB>english[<TAB>note] merged over the shipped "
                        "glossary, or 'none' (default: $DIGEST_GLOSSARY)")


def settings_from_args(args: argparse.Namespace, **extra: object) -> Settings:
    """Settings from the environment, overridden by the flags of add_model_flags (and `extra`)."""
    return Settings.from_env(
        translator=getattr(args, "translator", None),
        summarizer=getattr(args, "summarizer", None),
        backend=getattr(args, "backend", None),
        max_chars=getattr(args, "max_chars", None),
        glossary=getattr(args, "glossary", None),
        **extra,
    )
