"""Settings of the web server: where it listens, who may use it, and how much work it accepts.

The article pipeline has its own settings (service.config.Settings); these are only about serving.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from service import int_env, with_overrides

LOOPBACK = "127.0.0.1"
MiB = 1024 * 1024


class ConfigError(ValueError):
    """A setting cannot be used; the message says which one and why (one line)."""


def _pair(text: str, where: str) -> tuple[str, str]:
    user, sep, password = text.partition(":")
    if not sep or not user.strip() or not password:
        # Never echo the line: it may hold a password with a typo in it.
        raise ConfigError(f"{where} must look like user:password")
    return user.strip(), password


def parse_auth(value: str | None = None, file: str | Path | None = None) -> tuple[tuple[str, str], ...]:
    """Accounts from DIGEST_AUTH ("user:pass") and DIGEST_AUTH_FILE (one user:pass a line).

    Blank lines and lines starting with '#' in the file are skipped.
    """
    accounts: list[tuple[str, str]] = []
    if value:
        accounts.append(_pair(value.strip(), "DIGEST_AUTH"))
    if file:
        path = Path(file)
        try:
            lines = path.read_text(encoding="utf-8").splitlines()
        except (OSError, UnicodeDecodeError) as exc:
            raise ConfigError(f"cannot read DIGEST_AUTH_FILE {path}: {exc}") from None
        for number, line in enumerate(lines, 1):
            if line.strip() and not line.lstrip().startswith("#"):
                accounts.append(_pair(line.rstrip("\r\n"), f"line {number} of {path}"))
        if not accounts:
            raise ConfigError(f"DIGEST_AUTH_FILE {path} holds no user:password line")
    return tuple(accounts)


@dataclass(frozen=True)
class UiSettings:
    host: str = LOOPBACK  # only this machine, unless told otherwise
    port: int = 7860
    share: bool = False  # a public gradio.live tunnel: only with --share
    queue_size: int = 64  # requests waiting at most; more are refused ("queue full")
    concurrency: int = 2  # model jobs (summarise + translate together) running at once
    auth: tuple[tuple[str, str], ...] = ()  # (user, password) pairs; empty: no login

    @classmethod
    def from_env(cls, **overrides: object) -> UiSettings:
        """DIGEST_HOST, DIGEST_PORT, DIGEST_QUEUE_SIZE, DIGEST_CONCURRENCY, DIGEST_AUTH(_FILE)."""
        env = cls(
            host=os.environ.get("DIGEST_HOST", "").strip() or LOOPBACK,
            port=int_env("DIGEST_PORT", cls.port, 1),
            queue_size=int_env("DIGEST_QUEUE_SIZE", cls.queue_size, 1),
            concurrency=int_env("DIGEST_CONCURRENCY", cls.concurrency, 1),
            auth=parse_auth(os.environ.get("DIGEST_AUTH"), os.environ.get("DIGEST_AUTH_FILE")),
        )
        return with_overrides(env, overrides)

    @property
    def local_only(self) -> bool:
        return self.host in (LOOPBACK, "localhost", "::1") and not self.share


def max_request_bytes(max_chars: int) -> int:
    """Largest HTTP request body accepted.

    Generous enough that an over-long article still reaches the service and gets its clear
    "too long" message (pasted HTML may be 4× its text, and JSON may escape each character to
    6 bytes), small enough that nobody can make the server buffer gigabytes.
    """
    return max(8 * MiB, 4 * max_chars * 6 * 2)
