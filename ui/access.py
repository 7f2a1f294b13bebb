"""Who may use the plain HTTP routes: the page's login, and API keys for programs.

With neither DIGEST_AUTH nor DIGEST_API_KEYS set, the routes are open, like the page. Otherwise a
request needs one of: `Authorization: Bearer KEY` (or LibreTranslate's `api_key` field) with a key
from DIGEST_API_KEYS; `Authorization: Basic` with a DIGEST_AUTH account (plain clients such as
curl); or the cookie the page's login form sets (a browser that is logged in to the page), unless
the request comes from another site's page.
"""

from __future__ import annotations

import base64
import binascii
import enum
import hmac
from collections.abc import Callable
from typing import Any
from urllib.parse import urlsplit

from starlette.requests import Request


class Verdict(enum.Enum):
    ALLOWED = "allowed"
    MISSING = "missing"  # no credentials sent
    INVALID = "invalid"  # credentials sent, but wrong


def _matches(given: str, known: str) -> bool:
    return hmac.compare_digest(given.encode("utf-8"), known.encode("utf-8"))


class Access:
    def __init__(
        self,
        accounts: tuple[tuple[str, str], ...],
        api_keys: tuple[str, ...],
        gradio_app: Callable[[], Any] = lambda: None,
    ) -> None:
        """`gradio_app` returns the running Gradio app (or None), whose login tokens the cookie holds."""
        self.accounts = accounts
        self.api_keys = api_keys
        self.gradio_app = gradio_app

    @property
    def required(self) -> bool:
        return bool(self.accounts or self.api_keys)

    def _key_ok(self, key: str) -> bool:
        # Compare with every key, so the time taken does not tell which one nearly matched.
        return sum(_matches(key, known) for known in self.api_keys) > 0

    def _basic_ok(self, encoded: str) -> bool:
        try:
            user, sep, password = base64.b64decode(encoded, validate=True).decode("utf-8").partition(":")
        except (binascii.Error, UnicodeDecodeError):
            return False
        return bool(sep) and sum(_matches(user, u) & _matches(password, p) for u, p in self.accounts) > 0

    def _cookie_user(self, request: Request) -> str | None:
        """The user the page's login cookie belongs to.

        Gradio keeps no public helper for this: its login route sets access-token-<cookie_id>
        (and an -unsecure twin for plain http) to a token it keeps in app.tokens; the tests
        log in through the real form, so a change in Gradio shows up there.
        """
        app = self.gradio_app()
        if app is None or not self.accounts:
            return None
        origin = request.headers.get("origin")
        if origin and urlsplit(origin).netloc != request.headers.get("host"):
            return None  # another site's page posting with the user's cookie (CSRF): not the user
        cookie_id = getattr(app, "cookie_id", None)
        token = request.cookies.get(f"access-token-{cookie_id}") or request.cookies.get(
            f"access-token-unsecure-{cookie_id}"
        )
        return getattr(app, "tokens", {}).get(token) if token else None

    def check(self, request: Request, api_key: str | None = None) -> Verdict:
        """Whether the request may go on; `api_key` is a key sent in the body (LibreTranslate)."""
        if not self.required:
            return Verdict.ALLOWED
        scheme, _, credentials = request.headers.get("authorization", "").strip().partition(" ")
        credentials = credentials.strip()
        if scheme.lower() == "bearer" and credentials:
            return Verdict.ALLOWED if self.api_keys and self._key_ok(credentials) else Verdict.INVALID
        if scheme.lower() == "basic" and credentials:
            return Verdict.ALLOWED if self.accounts and self._basic_ok(credentials) else Verdict.INVALID
        if scheme:
            return Verdict.INVALID  # some other scheme: never silently ignored
        if api_key:
            return Verdict.ALLOWED if self._key_ok(api_key) else Verdict.INVALID
        if self._cookie_user(request) is not None:
            return Verdict.ALLOWED
        return Verdict.MISSING

    def challenge(self) -> str:
        """The WWW-Authenticate value of a 401: which ways in this server accepts."""
        schemes = []
        if self.api_keys:
            schemes.append('Bearer realm="Greek news digest"')
        if self.accounts:
            schemes.append('Basic realm="Greek news digest", charset="UTF-8"')
        return ", ".join(schemes)
