"""Settings of the service, from the environment with explicit overrides (CLI flags, tests)."""

from __future__ import annotations

import os
from dataclasses import dataclass, fields, replace

from models.registry import DEFAULT_TRANSLATOR, EXTRACTIVE

NO_MODEL = "none"  # DIGEST_TRANSLATOR=none: Greek bullets only


def _int_env(name: str, default: int) -> int:
    raw = os.environ.get(name, "").strip()
    if not raw:
        return default
    try:
        return int(raw)
    except ValueError:
        raise ValueError(f"{name} must be an integer, got {raw!r}") from None


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

    @classmethod
    def from_env(cls, **overrides: object) -> Settings:
        env = cls(
            translator=os.environ.get("DIGEST_TRANSLATOR") or DEFAULT_TRANSLATOR,
            summarizer=os.environ.get("DIGEST_SUMMARIZER") or EXTRACTIVE,
            backend=os.environ.get("DIGEST_BACKEND") or "auto",
            device=os.environ.get("DIGEST_DEVICE") or None,
            max_chars=_int_env("DIGEST_MAX_CHARS", cls.max_chars),
            bullets=_int_env("DIGEST_BULLETS", cls.bullets),
        )
        known = {f.name for f in fields(cls)}
        unknown = set(overrides) - known
        if unknown:
            raise TypeError(f"unknown settings: {', '.join(sorted(unknown))}")
        return replace(env, **{k: v for k, v in overrides.items() if v is not None})
