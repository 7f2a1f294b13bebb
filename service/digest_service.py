"""DigestService: the one object the CLI, the web app and the batch script share.

It loads each configured model once, under a lock (transformers fails when two threads load at
the same time), keeps the reason when a model cannot be loaded, and runs the pipeline
text → sentences → key points (extractive, or abstractive with a summariser) → bilingual bullets.
A missing or failing summariser never fails a digest: it falls back to extractive with a warning.
"""

from __future__ import annotations

import threading
import time
from typing import Any

from models import ModelNotAvailableError, Seq2SeqModel, load_seq2seq
from service.briefing import MAX_BRIEFING_ARTICLES, Briefing
from service.briefing_build import build_briefing
from service.cache import CacheStats, open_cache
from service.config import (
    ABSTRACTIVE,
    AUTO,
    EXTRACTIVE,
    MAX_BULLETS,
    NO_MODEL,
    Settings,
    check_bullets,
)
from service.digest import Bullet, Digest, KeyPoint
from service.digest_checks import annotate_digests, annotate_translations, load_glossary
from service.errors import UnavailableError, missing_package
from service.key_points import SummarizerAccess, plan_key_points, summary_method
from service.model_slots import ModelSlot, ServiceStatus, fix_line
from service.text import Article, parse_article
from service.translate import (
    Progress,
    Translation,
    translate_articles,
    translate_groups,
    translate_sentences,
)


class DigestService:
    def __init__(
        self, settings: Settings | None = None, *, summarizer_options: dict[str, Any] | None = None
    ) -> None:
        """`summarizer_options`: generate() options for the abstractive summariser, on top of the
        defaults (beams 4, no_repeat_ngram_size 3, max_new_tokens 128) and the registry's."""
        self.settings = settings or Settings.from_env()
        self.summarizer_options = dict(summarizer_options or {})
        self._load_lock = threading.Lock()
        # Once per service, at start-up: a bad glossary file stops it here (exit 2), not per request.
        self.glossary = load_glossary(self.settings.glossary)
        self.cache = open_cache(self.settings.cache_size, self.settings.cache_dir)
        self._slots = {
            "translator": ModelSlot("translator", self.settings.translator, self.settings.models_dir),
            "summarizer": ModelSlot("summarizer", self.settings.summarizer, self.settings.models_dir),
        }

    # -- models -------------------------------------------------------------------------------
    def _wanted(self, slot: ModelSlot) -> bool:
        return slot.name not in (NO_MODEL, "", EXTRACTIVE)

    def _batch_window_s(self) -> float | None:
        ms = self.settings.ct2_batch_window_ms
        return None if ms is None else ms / 1000

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
                        store=self.settings.models_dir,
                        compute_type=self.settings.ct2_compute_type,
                        intra_threads=self.settings.ct2_threads,
                        batch_window_s=self._batch_window_s(),
                        convert=self.settings.convert,
                        on_convert=lambda: setattr(slot, "activity", "converting…"),
                    )
                except ModelNotAvailableError as exc:
                    slot.error, slot.fix = str(exc), fix_line(role, slot.name, exc)
                except ImportError as exc:  # the environment, not the model: say which package
                    slot.error = slot.fix = missing_package(exc)
                except Exception as exc:  # a broken model must not take the service down
                    slot.error = f"Model '{slot.name}' failed to load: {type(exc).__name__}: {exc}"
                    slot.fix = fix_line(role, slot.name, exc)
                slot.attempted, slot.activity = True, None
        return slot.model

    def load(self) -> DigestService:
        """Load every configured model now (at start-up), rather than on the first request."""
        for role in self._slots:
            self._model(role)
        return self

    @property
    def translator(self) -> Seq2SeqModel | None:
        return self._model("translator")

    @property
    def summarizer(self) -> Seq2SeqModel | None:
        return self._model("summarizer")

    def methods(self) -> list[str]:
        """Summary methods that work now (abstractive only once its model is loaded)."""
        loaded = self._slots["summarizer"].model is not None
        return [AUTO, EXTRACTIVE, ABSTRACTIVE] if loaded else [AUTO, EXTRACTIVE]

    def status(self) -> ServiceStatus:
        """Per model: configured id/dir, state, found on disk, backend, size, load time, error and
        fix; plus the backend setting, limits and the summary methods available."""
        s = self.settings
        translator = self._slots["translator"]
        summarizer = self._slots["summarizer"]
        if self._wanted(translator):
            translator_status = translator.status(s.backend)
        else:
            translator_status = {
                "configured": translator.name or NO_MODEL,
                "state": "not loaded",
                "found": False,
                "note": "No translator configured: Greek bullets only.",
            }
        if self._wanted(summarizer):
            summarizer_status = {**summarizer.status(s.backend), "kind": ABSTRACTIVE}
        else:
            summarizer_status = {"configured": EXTRACTIVE, "state": "built-in", "kind": EXTRACTIVE}
        return ServiceStatus(
            translator=translator_status,
            summarizer=summarizer_status,
            backend=s.backend,
            limits={"max_chars": s.max_chars, "max_bullets": MAX_BULLETS, "max_briefing_chars":
                    s.max_briefing_chars, "max_briefing_articles": MAX_BRIEFING_ARTICLES},
            methods=self.methods(),
            cache=(self.cache.stats() if self.cache else CacheStats(0, 0, 0, 0)).to_dict(),
        )

    def translator_warning(self) -> str:
        """Why there is no English, and how to fix it, in one line."""
        slot = self._slots["translator"]
        if slot.name == NO_MODEL:
            return "No translator configured (DIGEST_TRANSLATOR=none): English is left empty."
        return f"English translation unavailable. {slot.error} Fix: {slot.fix}"

    # -- pipeline -----------------------------------------------------------------------------
    def parse(self, text: str) -> Article:
        return parse_article(text, max_chars=self.settings.max_chars)

    def translate_options(self) -> dict[str, Any]:
        """translate_sentences() options: beams, batch, length from the settings; the glossary; the
        translation cache."""
        s = self.settings
        return {"num_beams": s.num_beams, "batch_size": s.batch_size, "max_new_tokens": s.max_new_tokens,
                "glossary": self.glossary, "cache": self.cache}

    def digest(
        self,
        text: str,
        *,
        bullets: int | None = None,
        method: str = AUTO,
        full_translation: bool = False,
        progress: Progress | None = None,
    ) -> Digest:
        """Bilingual key points of a Greek article. Raises InputError for unusable input.

        method: "auto" (abstractive when a summariser is configured, else extractive),
        "extractive", or "abstractive" (falls back to extractive, with a warning, when no
        summariser is available or it produces nothing usable). `progress` is told the sentences
        translated so far. Timings leave out model loading (load() at start-up; /status has it).
        """
        method = summary_method(method)
        self.load()
        started = time.perf_counter()
        article = self.parse(text)
        parse_seconds = time.perf_counter() - started
        (digest,) = self.digest_articles(
            [article], bullets=bullets, method=method, full_translation=full_translation, progress=progress
        )
        digest.timings = {
            "parse": round(parse_seconds, 4),
            **digest.timings,
            "total": round(time.perf_counter() - started, 4),
        }
        return digest

    def digest_articles(
        self,
        articles: list[Article],
        *,
        bullets: int | None = None,
        method: str = AUTO,
        full_translation: bool = False,
        progress: Progress | None = None,
    ) -> list[Digest]:
        """Digests of parsed articles, the English of all of them from one generate() call.

        Pooling the bullets (or sentences) of many documents fills the model's batches: this is
        what the batch job calls, and digest() is this for one article.
        """
        method = summary_method(method)
        count = check_bullets(self.settings.bullets if bullets is None else bullets)
        slot = self._slots["summarizer"]
        summarizer = SummarizerAccess(slot, self._wanted(slot), lambda: self.summarizer,
                                      self.summarizer_options)
        plans = [plan_key_points(article, count, method, summarizer) for article in articles]

        translator = self.translator
        started = time.perf_counter()
        translations: list[Translation | None] = [None] * len(articles)
        english: list[list[str | None]] = [[None] * len(p.points) for p in plans]
        if translator is not None and full_translation:
            translations = list(
                translate_articles(translator, articles, **self.translate_options(), progress=progress)
            )
            english = [
                self._bullets_english(translator, article, plan.points, translation)
                for article, plan, translation in zip(articles, plans, translations, strict=True)
            ]
        elif translator is not None:
            pooled = translate_groups(
                translator, [[p.text for p in plan.points] for plan in plans], **self.translate_options(),
                progress=progress,
            )
            english = [list(group) for group in pooled]
        # The pooled translation time, shared among the documents by their number of bullets.
        translate_seconds = time.perf_counter() - started
        share = translate_seconds / max(1, sum(len(p.points) for p in plans))

        digests: list[Digest] = []
        for article, plan, en, translation in zip(articles, plans, english, translations, strict=True):
            if translator is None:
                plan.warnings.append(self.translator_warning())
            timings = {
                "summarize": round(plan.seconds, 4),
                "translate": round(share * len(plan.points), 4),
            }
            timings["total"] = round(sum(timings.values()), 4)
            digests.append(
                Digest(
                    bullets=[Bullet(p.text, e, p.sources) for p, e in zip(plan.points, en, strict=True)],
                    sentences=article.sentence_texts,
                    paragraphs=[s.paragraph for s in article.sentences],
                    models={
                        "translator": translator.name if translator else None,
                        "summarizer": plan.summarizer,
                    },
                    timings=timings,
                    warnings=plan.warnings,
                    translation=translation.text if translation else None,
                )
            )
        if self.settings.checks:
            started = time.perf_counter()
            annotate_digests(digests, self.glossary)
            share = (time.perf_counter() - started) / max(1, len(digests))
            for digest in digests:
                digest.timings["checks"] = round(share, 4)
                digest.timings["total"] = round(digest.timings["total"] + share, 4)
        return digests

    def _bullets_english(
        self, translator: Seq2SeqModel, article: Article, points: list[KeyPoint], translation: Translation
    ) -> list[str | None]:
        """English of each bullet: a bullet that is an article sentence (always so for extractive)
        reuses the full translation; the others are translated in one call."""
        by_sentence = [en for _, en in translation.sentences]
        english: list[str | None] = [
            by_sentence[p.sources[0]]
            if len(p.sources) == 1 and article.sentences[p.sources[0]].text == p.text
            else None
            for p in points
        ]
        todo = [i for i, en in enumerate(english) if en is None]
        if todo:
            done = translate_sentences(
                translator, [points[i].text for i in todo], **self.translate_options()
            )
            for i, en in zip(todo, done, strict=True):
                english[i] = en
        return english

    def briefing(
        self, articles: list[str], *, bullets: int | None = None, progress: Progress | None = None
    ) -> Briefing:
        """One bilingual briefing of several Greek articles on one story (service.briefing_build):
        points citing every article that reports them. Raises InputError for unusable input.
        `progress` is told the points translated so far. Timings leave out model loading, as digest()'s."""
        self.load()
        return build_briefing(self, articles, bullets, progress)

    def translate(self, text: str, *, progress: Progress | None = None) -> Translation:
        """Whole article Greek→English, naming the model and timed without model loading.

        Raises InputError, or UnavailableError. `progress` is told the sentences translated so far.
        """
        self.load()
        started = time.perf_counter()
        article = self.parse(text)
        translator = self.translator
        if translator is None:
            raise UnavailableError(self.translator_warning())
        parsed = time.perf_counter()
        (translation,) = self._checked(
            translate_articles(translator, [article], **self.translate_options(), progress=progress)
        )
        done = time.perf_counter()
        translation.timings = {
            "parse": round(parsed - started, 4), "translate": round(done - parsed, 4),
            "total": round(done - started, 4),
        }
        return translation

    def translate_articles(
        self, articles: list[Article], *, progress: Progress | None = None
    ) -> list[Translation]:
        """Many parsed articles Greek→English in ONE generate() call (the batch job's path).
        Raises UnavailableError without a translator."""
        translator = self.translator
        if translator is None:
            raise UnavailableError(self.translator_warning())
        return self._checked(
            translate_articles(translator, articles, **self.translate_options(), progress=progress)
        )

    def _checked(self, translations: list[Translation]) -> list[Translation]:
        if self.settings.checks:
            annotate_translations(translations, self.glossary)
        return translations
