"""DigestService: the one object the CLI, the web app and the batch script share.

It loads each configured model once, under a lock (transformers fails when two threads load at
the same time), keeps the reason when a model cannot be loaded, and runs the pipeline
text → sentences → key points → bilingual bullets.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass
from typing import Any

from models import ModelNotAvailableError, Seq2SeqModel, load_seq2seq
from models.registry import EXTRACTIVE, input_prefix
from service.config import NO_MODEL, Settings
from service.digest import Bullet, Digest
from service.errors import UnavailableError
from service.summarize import select_key_points
from service.text import Article, parse_article
from service.translate import Translation, translate_article, translate_sentences


@dataclass
class ModelSlot:
    """A configured model and what became of loading it."""

    role: str  # "translator" or "summarizer"
    name: str
    model: Seq2SeqModel | None = None
    error: str | None = None
    attempted: bool = False

    def status(self) -> dict[str, Any]:
        state = "loaded" if self.model else ("missing" if self.attempted else "not loaded")
        data: dict[str, Any] = {"configured": self.name, "state": state}
        if self.model:
            info = self.model.info
            data.update(
                backend=info.backend,
                device=info.device,
                path=info.path,
                max_input_tokens=info.max_input_tokens,
                load_seconds=round(info.load_seconds, 3),
            )
        if self.error:
            data["error"] = self.error
        return data


class DigestService:
    def __init__(self, settings: Settings | None = None) -> None:
        self.settings = settings or Settings.from_env()
        self._load_lock = threading.Lock()
        self._slots = {
            "translator": ModelSlot("translator", self.settings.translator),
            "summarizer": ModelSlot("summarizer", self.settings.summarizer),
        }

    # -- models -------------------------------------------------------------------------------
    def _wanted(self, slot: ModelSlot) -> bool:
        return slot.name not in (NO_MODEL, "", EXTRACTIVE)

    def _model(self, role: str) -> Seq2SeqModel | None:
        slot = self._slots[role]
        if slot.attempted or not self._wanted(slot):
            return slot.model
        with self._load_lock:
            if not slot.attempted:
                try:
                    slot.model = load_seq2seq(
                        slot.name,
                        backend=self.settings.backend,
                        device=self.settings.device,
                        prefix=input_prefix(slot.name),
                    )
                except ModelNotAvailableError as exc:
                    slot.error = str(exc)
                except Exception as exc:  # a broken model must not take the service down
                    slot.error = f"Model '{slot.name}' failed to load: {type(exc).__name__}: {exc}"
                slot.attempted = True
        return slot.model

    def load(self) -> DigestService:
        """Load every configured model now (at start-up), rather than on the first request."""
        for role in self._slots:
            self._model(role)
        return self

    @property
    def translator(self) -> Seq2SeqModel | None:
        return self._model("translator")

    def status(self) -> dict[str, Any]:
        s = self.settings
        return {
            "translator": self._slots["translator"].status(),
            "summarizer": self._slots["summarizer"].status()
            if self._wanted(self._slots["summarizer"])
            else {"configured": EXTRACTIVE, "state": "built-in"},
            "backend": s.backend,
            "limits": {"max_chars": s.max_chars, "max_bullets": 20},
        }

    def _translator_warning(self) -> str:
        slot = self._slots["translator"]
        if slot.name == NO_MODEL:
            return "No translator configured (DIGEST_TRANSLATOR=none): English is left empty."
        return f"English translation unavailable. {slot.error}"

    # -- pipeline -----------------------------------------------------------------------------
    def parse(self, text: str) -> Article:
        return parse_article(text, max_chars=self.settings.max_chars)

    def digest(self, text: str, bullets: int | None = None, full_translation: bool = False) -> Digest:
        """Bilingual key points of a Greek article. Raises InputError for unusable input."""
        timings: dict[str, float] = {}
        started = clock = time.perf_counter()

        def lap(stage: str) -> None:
            nonlocal clock
            now = time.perf_counter()
            timings[stage] = round(now - clock, 4)
            clock = now

        article = self.parse(text)
        lap("parse")
        count = max(1, min(int(bullets or self.settings.bullets), 20))
        points = select_key_points(article.sentence_texts, count)
        greek = [article.sentences[p.index].text for p in points]
        sources = [[p.index] for p in points]
        lap("summarize")

        warnings: list[str] = []
        english: list[str | None] = [None] * len(greek)
        translation: Translation | None = None
        translator = self.translator
        if translator is None:
            warnings.append(self._translator_warning())
        elif full_translation:
            translation = translate_article(
                translator, article, num_beams=self.settings.num_beams,
                batch_size=self.settings.batch_size,
            )
            by_sentence = [en for _, en in translation.sentences]
            english = [by_sentence[s[0]] for s in sources]
        else:
            english = list(
                translate_sentences(
                    translator, greek, num_beams=self.settings.num_beams,
                    batch_size=self.settings.batch_size,
                )
            )
        lap("translate")
        timings["total"] = round(time.perf_counter() - started, 4)
        return Digest(
            bullets=[Bullet(el, en, src) for el, en, src in zip(greek, english, sources, strict=True)],
            sentences=article.sentence_texts,
            paragraphs=[s.paragraph for s in article.sentences],
            models={
                "translator": translator.name if translator else None,
                "summarizer": EXTRACTIVE,
            },
            timings=timings,
            warnings=warnings,
            translation=translation.text if translation else None,
        )

    def translate(self, text: str) -> Translation:
        """Whole article Greek→English. Raises InputError, or UnavailableError."""
        article = self.parse(text)
        translator = self.translator
        if translator is None:
            raise UnavailableError(self._translator_warning())
        return translate_article(
            translator, article, num_beams=self.settings.num_beams,
            batch_size=self.settings.batch_size,
        )
