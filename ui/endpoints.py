"""The functions behind the web app. The first three are the public API; the UI's buttons call them too.

/summarize (article, bullets) → (Markdown, JSON dict)   /translate (text) → English   /status () → dict

Errors reach people as gr.Error with one clear line: the service's own message for bad input or a
missing model, a short generic one (traceback in the server log) for anything unexpected.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import gradio as gr

from service import Digest, DigestService, InputError, UnavailableError
from ui.config import UiSettings
from ui.downloads import Downloads
from ui.render import digest_html, status_badge, status_html

log = logging.getLogger("ui")


@contextmanager
def user_errors(action: str) -> Iterator[None]:
    """Turn what goes wrong into one line for the person (UI modal or API client error)."""
    try:
        yield
    except gr.Error:
        raise
    except (InputError, UnavailableError) as exc:
        raise gr.Error(str(exc), title="Cannot do that", print_exception=False) from None
    except Exception:
        log.exception("unexpected error while %s", action)
        raise gr.Error(
            f"Something went wrong while {action}; the details are in the server log. "
            "Please try again.",
            print_exception=False,
        ) from None


class Endpoints:
    """Bound to one DigestService: the models are loaded once and shared by all requests."""

    def __init__(self, service: DigestService, ui: UiSettings | None = None) -> None:
        self.service = service
        self.ui = ui or UiSettings()
        self.downloads = Downloads()

    # -- public API ---------------------------------------------------------------------------
    def summarize(
        self,
        article: str,
        bullets: float = 5,
        method: str = "auto",
        progress: gr.Progress = gr.Progress(),  # noqa: B008 - Gradio injects progress this way
    ) -> tuple[str, dict[str, Any]]:
        """Key points of a Greek news article as Greek bullets with English translations.

        Args:
            article: the Greek article, plain text or pasted HTML.
            bullets: how many key points (1 to service.MAX_BULLETS, 10).
            method: set by the page's "Key points" control (session state, not an API
                parameter): auto, extractive or abstractive.

        Returns:
            The digest as Markdown, and as JSON: bullets [{el, en, sources}] where sources index
            into sentences, plus the article's sentences, models, timings and warnings.
        """
        with user_errors("summarising the article"):
            progress(0.1, desc="Choosing the key points and translating them…")
            digest = self.service.digest(article or "", bullets=bullets, method=method)
            return digest.to_markdown(), digest.to_dict()

    def translate(
        self,
        text: str,
        progress: gr.Progress = gr.Progress(),  # noqa: B008 - Gradio injects progress this way
    ) -> str:
        """Translate a whole Greek article into English, paragraphs kept (blank line between).

        Args:
            text: the Greek article, plain text or pasted HTML.

        Returns:
            The English text.
        """
        with user_errors("translating the article"):
            progress(0.1, desc="Translating sentence by sentence…")
            return self.service.translate(text or "").text

    def status(self) -> dict[str, Any]:
        """Which translator and summariser are configured and loaded (with the fix when missing),
        the backend and the limits."""
        with user_errors("reading the status"):
            data = self.service.status().to_dict()
            for role in ("translator", "summarizer"):
                # gradio_client takes any dict with a "path" key for a file to download.
                if isinstance(data.get(role), dict) and "path" in data[role]:
                    data[role]["model_path"] = data[role].pop("path")
            data["server"] = self.ui.server_status(self.service.settings.max_chars)
            return data

    # -- UI plumbing (private: not on the API page) ---------------------------------------------
    def show_digest(self, data: dict[str, Any]) -> tuple[str, str, str]:
        """HTML of the digest and its two download files, from /summarize's JSON output."""
        with user_errors("showing the digest"):
            digest = Digest.from_dict(data)
            markdown, as_json = self.downloads.write(
                {"greek-digest.md": digest.to_markdown(), "greek-digest.json": digest.to_json()}
            )
            return digest_html(digest), markdown, as_json

    def save_translation(self, english: str) -> str:
        with user_errors("saving the translation"):
            (path,) = self.downloads.write({"translation-en.txt": (english or "") + "\n"})
            return path

    def show_status(self, data: dict[str, Any]) -> tuple[str, str]:
        with user_errors("showing the status"):
            return status_html(data), status_badge(data)
