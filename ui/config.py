"""Settings of the web server: where it listens, who may use it, and how much work it accepts.

The article pipeline has its own settings (service.config.Settings); these are only about serving.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from service import Settings, int_env, with_overrides

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


def _file_lines(file: str | Path, setting: str) -> list[tuple[int, str]]:
    """(line number, line) of a settings file, blank lines and '#' comments skipped."""
    path = Path(file)
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"cannot read {setting} {path}: {exc}") from None
    return [
        (n, line) for n, line in enumerate(lines, 1)
        if line.strip() and not line.lstrip().startswith("#")
    ]


def parse_auth(value: str | None = None, file: str | Path | None = None) -> tuple[tuple[str, str], ...]:
    """Accounts from DIGEST_AUTH ("user:pass") and DIGEST_AUTH_FILE (one user:pass a line).

    Blank lines and lines starting with '#' in the file are skipped.
    """
    accounts: list[tuple[str, str]] = []
    if value:
        accounts.append(_pair(value.strip(), "DIGEST_AUTH"))
    if file:
        for number, line in _file_lines(file, "DIGEST_AUTH_FILE"):
            accounts.append(_pair(line, f"line {number} of {file}"))
        if not accounts:
            raise ConfigError(f"DIGEST_AUTH_FILE {file} holds no user:password line")
    return tuple(accounts)


def parse_api_keys(value: str | None = None, file: str | Path | None = None) -> tuple[str, ...]:
    """Keys for the plain HTTP API from DIGEST_API_KEYS (comma-separated) and DIGEST_API_KEYS_FILE
    (one a line; blank lines and '#' comments skipped)."""
    keys = [k.strip() for k in (value or "").split(",") if k.strip()]
    if file:
        keys += [line.strip() for _, line in _file_lines(file, "DIGEST_API_KEYS_FILE")]
        if not keys:
            raise ConfigError(f"DIGEST_API_KEYS_FILE {file} holds no key")
    for key in keys:
        if len(key) < 8 or any(c.isspace() for c in key):
            # Never echo a key: say where the bad one is by its length only.
            raise ConfigError(f"API keys must be at least 8 characters without spaces (one has {len(key)})")
    return tuple(keys)


@dataclass(frozen=True)
class UiSettings:
    host: str = LOOPBACK  # only this machine, unless told otherwise
    port: int = 7860
    share: bool = False  # a public gradio.live tunnel: only with --share
    queue_size: int = 64  # requests waiting at most; more are refused ("queue full")
    concurrency: int = 2  # model jobs (summarise + translate together) running at once
    auth: tuple[tuple[str, str], ...] = ()  # (user, password) pairs; empty: no login
    api_keys: tuple[str, ...] = ()  # Bearer keys for the plain HTTP API (not the page)

    @classmethod
    def from_env(cls, **overrides: object) -> UiSettings:
        """DIGEST_HOST, DIGEST_PORT, DIGEST_QUEUE_SIZE, DIGEST_CONCURRENCY, DIGEST_AUTH(_FILE),
        DIGEST_API_KEYS(_FILE)."""
        env = cls(
            host=os.environ.get("DIGEST_HOST", "").strip() or LOOPBACK,
            port=int_env("DIGEST_PORT", cls.port, 1),
            queue_size=int_env("DIGEST_QUEUE_SIZE", cls.queue_size, 1),
            concurrency=int_env("DIGEST_CONCURRENCY", cls.concurrency, 1),
            auth=parse_auth(os.environ.get("DIGEST_AUTH"), os.environ.get("DIGEST_AUTH_FILE")),
            api_keys=parse_api_keys(
                os.environ.get("DIGEST_API_KEYS"), os.environ.get("DIGEST_API_KEYS_FILE")
            ),
        )
        return with_overrides(env, overrides)

    @property
    def local_only(self) -> bool:
        return self.host in (LOOPBACK, "localhost", "::1") and not self.share

    def server_status(self, settings: Settings) -> dict[str, object]:
        """The "server" part of /status: how much work is accepted and whether a login is needed."""
        return {
            "queue_size": self.queue_size,
            "concurrency": self.concurrency,
            "max_request_bytes": request_limit(settings),
            "login_required": bool(self.auth),
        }


def max_request_bytes(max_chars: int) -> int:
    """Largest HTTP request body accepted.

    Generous enough that an over-long article still reaches the service and gets its clear
    "too long" message (pasted HTML may be 4× its text, and JSON may escape each character to
    6 bytes), small enough that nobody can make the server buffer gigabytes.
    """
    return max(8 * MiB, 4 * max_chars * 6 * 2)


def request_limit(settings: Settings) -> int:
    """The body limit for the service's settings: the larger text a request may carry, one article
    or a briefing's articles together (DIGEST_MAX_BRIEFING_CHARS may be far above DIGEST_MAX_CHARS)."""
    return max_request_bytes(max(settings.max_chars, settings.max_briefing_chars))
