"""The functions behind the web app. The first three are the public API; the UI's buttons call them too.

/summarize (article, bullets) → (Markdown, JSON dict)
/translate (text) → (English, {model, timings})
/status () → dict
/briefing (articles with a `---` line between them, bullets) → (Markdown, JSON dict)

Errors reach people as gr.Error with one clear line: the service's own message for bad input or a
missing model, a short generic one (traceback in the server log) for anything unexpected. The
page's private follow-ups (show_digest, show_translation, show_briefing) take no data from the client: they
render what the public call made for the same session (ui.sessions), once.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import gradio as gr

from service import Briefing, Digest, DigestService, InputError, Translation, UnavailableError, split_articles
from service.config import check_bullets
from service.translate import Progress
from ui.config import UiSettings
from ui.downloads import Downloads
from ui.render import digest_html, error_html, status_badge, status_html, translation_note
from ui.render_briefing import briefing_html
from ui.sessions import Failure, SessionResults

log = logging.getLogger("ui")
NO_RESULT = "No result: the request did not finish (the message at the top of the page says why)."


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


def _article(value: Any) -> str:
    """The article as sent through the API: text, or a one-line reason why not."""
    if value is None:
        return ""
    if not isinstance(value, str):
        raise InputError(f"The article must be text (a string), not {type(value).__name__}.")
    return value


def _sentences_progress(progress: gr.Progress, what: str) -> Progress:
    """A plain callable for the service that moves Gradio's progress bar by sentences translated."""
    return lambda done, total: progress((done, total), desc=what, unit="sentences")


def _session(request: gr.Request | None) -> str | None:
    return getattr(request, "session_hash", None)


class Endpoints:
    """Bound to one DigestService: the models are loaded once and shared by all requests."""

    def __init__(self, service: DigestService, ui: UiSettings | None = None) -> None:
        self.service = service
        self.ui = ui or UiSettings()
        self.downloads = Downloads()
        self.results = SessionResults()

    @contextmanager
    def _kept(self, request: gr.Request | None, kind: str, action: str) -> Iterator[dict[str, Any]]:
        """user_errors, and the outcome (box["result"], or the error line) kept for the session."""
        box: dict[str, Any] = {}
        try:
            with user_errors(action):
                yield box
        except gr.Error as exc:
            self.results.put(_session(request), kind, Failure(str(exc.message)))
            raise
        self.results.put(_session(request), kind, box.get("result"))

    # -- public API ---------------------------------------------------------------------------
    def summarize(
        self,
        article: str,
        bullets: float = 5,
        method: str = "auto",
        request: gr.Request = None,  # type: ignore[assignment] - Gradio fills it in
        progress: gr.Progress = gr.Progress(),  # noqa: B008 - Gradio injects progress this way
    ) -> tuple[str, dict[str, Any]]:
        """Key points of a Greek news article as Greek bullets with English translations.

        Args:
            article: The Greek article, plain text or pasted HTML (a string).
            bullets: How many key points, 1 to 10; a short article gives fewer (its warnings say why).
            method: set by the page's "Key points" control (session state, not an API
                parameter): auto, extractive or abstractive.

        Returns:
            The digest as Markdown, and as JSON: bullets [{el, en, sources}] where sources index
            into sentences, plus the article's sentences, models, timings and warnings.
        """
        with self._kept(request, "digest", "summarising the article") as kept:
            text, count = _article(article), check_bullets(bullets)
            progress(0.02, desc="Choosing the key points…")
            digest = self.service.digest(
                text, bullets=count, method=method,
                progress=_sentences_progress(progress, "Translating the key points"),
            )
            kept["result"] = digest
        return digest.to_markdown(), digest.to_dict()

    def translate(
        self,
        text: str,
        request: gr.Request = None,  # type: ignore[assignment] - Gradio fills it in
        progress: gr.Progress = gr.Progress(),  # noqa: B008 - Gradio injects progress this way
    ) -> tuple[str, dict[str, Any]]:
        """Translate a whole Greek article into English, paragraphs kept (blank line between).

        Args:
            text: The Greek article, plain text or pasted HTML (a string).

        Returns:
            The English text, and {model, timings}: the translator that made it and the seconds it
            took (model loading excluded).
        """
        with self._kept(request, "translation", "translating the article") as kept:
            translation = self.service.translate(
                _article(text), progress=_sentences_progress(progress, "Translating")
            )
            kept["result"] = translation
        return translation.text, {"model": translation.model, "timings": translation.timings}

    def briefing(
        self,
        articles: str,
        bullets: float = 5,
        request: gr.Request = None,  # type: ignore[assignment] - Gradio fills it in
        progress: gr.Progress = gr.Progress(),  # noqa: B008 - Gradio injects progress this way
    ) -> tuple[str, dict[str, Any]]:
        """One bilingual briefing of several Greek articles on the same story.

        Args:
            articles: Up to 10 Greek articles (plain text or HTML) in one string, a line of --- between them.
            bullets: How many points, 1 to 10.

        Returns:
            The briefing as Markdown, and as JSON: points [{el, en, sources [{article, sentence}],
            reported_by, note, disagreements, checks}] (indices from 0), the articles (label,
            sentences), models, timings and warnings.
        """
        with self._kept(request, "briefing", "making the briefing") as kept:
            texts, count = split_articles(_article(articles)), check_bullets(bullets)
            progress(0.02, desc="Grouping what the articles report…")
            briefing = self.service.briefing(
                texts, bullets=count, progress=_sentences_progress(progress, "Translating the points")
            )
            kept["result"] = briefing
        return briefing.to_markdown(), briefing.to_dict()

    def status(self) -> dict[str, Any]:
        """Which translator and summariser are configured and loaded (with the fix when missing),
        the backend and the limits."""
        with user_errors("reading the status"):
            data = self.service.status().to_dict()
            for role in ("translator", "summarizer"):
                # gradio_client takes any dict with a "path" key for a file to download.
                if isinstance(data.get(role), dict) and "path" in data[role]:
                    data[role]["model_path"] = data[role].pop("path")
            data["server"] = self.ui.server_status(self.service.settings)
            return data

    # -- UI plumbing (private: not on the API page, and fed only by the server) ----------------
    def _show(self, request: gr.Request | None, kind: str, made: type, render: Any) -> tuple[Any, ...]:
        """The `kind` result this session's public call made, as HTML and greek-KIND.md/.json downloads;
        or, after a failure, the reason in its place (the previous files, Markdown and JSON cleared)."""
        outcome = self.results.pop(_session(request), kind)
        if not isinstance(outcome, made):
            hidden = gr.update(value=None, visible=False)
            why = outcome.message if isinstance(outcome, Failure) else NO_RESULT
            return error_html(why), hidden, hidden, "", None
        with user_errors(f"showing the {kind}"):
            markdown, as_json = self.downloads.write(
                {f"greek-{kind}.md": outcome.to_markdown(), f"greek-{kind}.json": outcome.to_json()}
            )
            return (render(outcome), gr.update(value=markdown, visible=True),
                    gr.update(value=as_json, visible=True), gr.update(), gr.update())

    def show_digest(self, request: gr.Request = None) -> tuple[Any, ...]:  # type: ignore[assignment]
        return self._show(request, "digest", Digest, digest_html)

    def show_briefing(self, request: gr.Request = None) -> tuple[Any, ...]:  # type: ignore[assignment]
        return self._show(request, "briefing", Briefing, briefing_html)

    def show_translation(self, request: gr.Request = None) -> tuple[Any, str, Any]:  # type: ignore[assignment]
        """The English box, a line naming the model, and the .txt download; or the reason it failed."""
        outcome = self.results.pop(_session(request), "translation")
        if not isinstance(outcome, Translation):
            message = outcome.message if isinstance(outcome, Failure) else NO_RESULT
            return "", error_html(message), gr.update(value=None, visible=False)
        with user_errors("saving the translation"):
            (path,) = self.downloads.write({"translation-en.txt": outcome.text + "\n"})
            return gr.update(), translation_note(outcome), gr.update(value=path, visible=True)

    def show_status(self) -> tuple[str, str]:
        """The Status tab and the header badge, from the service itself (not from the client)."""
        with user_errors("showing the status"):
            data = self.status()
            return status_html(data), status_badge(data)
