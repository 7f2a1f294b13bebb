"""DigestService: the one object the CLI, the web app and the batch script share.

It loads each configured model once, under a lock (transformers fails when two threads load at
the same time), keeps the reason when a model cannot be loaded, and runs the pipeline
text → sentences → key points (extractive, or abstractive with a summariser) → bilingual bullets.
A missing or failing summariser never fails a digest: it falls back to extractive with a warning.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from models import ModelNotAvailableError, Seq2SeqModel, load_seq2seq, locate_model
from models.loader import NotConvertedError
from models.locate import disk_size, human_size, is_hub_id
from models.registry import EXTRACTIVE, generation_options, input_prefix, lookup
from service.abstractive import abstractive_key_points
from service.config import NO_MODEL, Settings
from service.digest import Bullet, Digest
from service.errors import InputError, UnavailableError
from service.summarize import select_key_points
from service.text import Article, parse_article
from service.translate import Translation, translate_article, translate_articles, translate_sentences

MAX_BULLETS = 20
AUTO, ABSTRACTIVE = "auto", "abstractive"
METHODS = (AUTO, EXTRACTIVE, ABSTRACTIVE)  # how digest() picks key points


@dataclass
class KeyPoints:
    """Greek bullets with their source sentence indices, and which summariser made them."""

    texts: list[str]
    sources: list[list[int]]
    summarizer: str  # "extractive" or the summariser's name


@dataclass
class ModelSlot:
    """A configured model and what became of loading it."""

    role: str  # "translator" or "summarizer"
    name: str
    model: Seq2SeqModel | None = None
    error: str | None = None
    fix: str | None = None
    attempted: bool = False
    _disk: tuple[str, int] | None = None  # (path, bytes): measured once, directories do not change

    def _found(self) -> str | None:
        """The model's local directory without loading it (None when it is not on disk)."""
        if self.model is not None:
            return self.model.info.path
        try:
            return str(locate_model(self.name, download=False))
        except Exception:  # missing, or anything else: a status view must never fail
            return None

    def status(self, backend: str) -> dict[str, Any]:
        state = "loaded" if self.model else ("missing" if self.attempted else "not loaded")
        path = self._found()
        data: dict[str, Any] = {
            "configured": self.name,
            "state": state,
            "found": path is not None,
            "backend": self.model.info.backend if self.model else backend,
        }
        known = lookup(self.name)
        if known is not None:
            data.update(family=known.family, parameters=known.parameters)
        if self.model:
            info = self.model.info
            data.update(
                device=info.device,
                max_input_tokens=info.max_input_tokens,
                load_seconds=round(info.load_seconds, 3),
            )
        if path is not None:
            if self._disk is None or self._disk[0] != path:
                self._disk = (path, disk_size(Path(path)))
            data.update(path=path, size_bytes=self._disk[1], size=human_size(self._disk[1]))
        if self.error:
            data["error"] = self.error
            data["fix"] = self.fix
        return data


def _fix_line(role: str, name: str, exc: Exception) -> str:
    """What to do about a model that did not load, in one line."""
    if isinstance(exc, NotConvertedError):
        return (
            f"Convert it: python scripts/download_models.py --{role} {name} --ct2 "
            "(or use DIGEST_BACKEND=torch)."
        )
    if isinstance(exc, ModelNotAvailableError):
        if Path(name).expanduser().is_dir() or not is_hub_id(name):
            env = "DIGEST_TRANSLATOR" if role == "translator" else "DIGEST_SUMMARIZER"
            return f"Point {env} at a directory holding a model (config.json, weights, tokenizer)."
        return (
            f"On a connected machine: python scripts/download_models.py --{role} {name}; copy the "
            "model store here and set DIGEST_MODELS_DIR to it."
        )
    return (
        f"Check the files with python scripts/download_models.py --{role} {name} (it verifies "
        "them), or configure another model."
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
                    slot.error, slot.fix = str(exc), _fix_line(role, slot.name, exc)
                except Exception as exc:  # a broken model must not take the service down
                    slot.error = f"Model '{slot.name}' failed to load: {type(exc).__name__}: {exc}"
                    slot.fix = _fix_line(role, slot.name, exc)
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

    @property
    def summarizer(self) -> Seq2SeqModel | None:
        return self._model("summarizer")

    def methods(self) -> list[str]:
        """Summary methods that work now (abstractive only once its model is loaded)."""
        loaded = self._slots["summarizer"].model is not None
        return [AUTO, EXTRACTIVE, ABSTRACTIVE] if loaded else [AUTO, EXTRACTIVE]

    def status(self) -> dict[str, Any]:
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
        return {
            "translator": translator_status,
            "summarizer": summarizer_status,
            "backend": s.backend,
            "limits": {"max_chars": s.max_chars, "max_bullets": MAX_BULLETS},
            "methods": self.methods(),
        }

    def translator_warning(self) -> str:
        """Why there is no English, and how to fix it, in one line."""
        slot = self._slots["translator"]
        if slot.name == NO_MODEL:
            return "No translator configured (DIGEST_TRANSLATOR=none): English is left empty."
        return f"English translation unavailable. {slot.error}"

    # -- pipeline -----------------------------------------------------------------------------
    def parse(self, text: str) -> Article:
        return parse_article(text, max_chars=self.settings.max_chars)

    def _extractive(self, article: Article, count: int) -> KeyPoints:
        points = select_key_points(article.sentence_texts, count)
        return KeyPoints(
            [article.sentences[p.index].text for p in points], [[p.index] for p in points], EXTRACTIVE
        )

    def _key_points(self, article: Article, count: int, method: str, warnings: list[str]) -> KeyPoints:
        """Abstractive when asked for (or, for "auto", configured) and it works; else extractive."""
        slot = self._slots["summarizer"]
        if method == EXTRACTIVE or (method == AUTO and not self._wanted(slot)):
            return self._extractive(article, count)
        if not self._wanted(slot):
            warnings.append(
                "Abstractive summary requested, but no summariser is configured (set DIGEST_SUMMARIZER "
                "to a hub id or model directory, e.g. IMISLab/GreekT5-mt5-small-greeksum): showing "
                "extractive key points."
            )
            return self._extractive(article, count)
        model = self.summarizer
        if model is None:
            warnings.append(f"Abstractive summary unavailable, showing extractive key points. {slot.error}")
            return self._extractive(article, count)
        options = {**generation_options(slot.name), **self.summarizer_options}
        try:
            points = abstractive_key_points(model, article.sentence_texts, count, options)
        except Exception as exc:  # e.g. an option the backend does not support, out of memory
            warnings.append(
                f"The summariser '{slot.name}' failed ({type(exc).__name__}: {exc}): showing extractive "
                "key points."
            )
            return self._extractive(article, count)
        if not points:
            warnings.append(
                f"The summariser '{slot.name}' produced no usable summary: showing extractive key points."
            )
            return self._extractive(article, count)
        return KeyPoints([p.text for p in points], [p.sources for p in points], model.name)

    def translate_options(self) -> dict[str, Any]:
        """generate() options for translating, from the settings (beams, batch, length)."""
        s = self.settings
        return {"num_beams": s.num_beams, "batch_size": s.batch_size, "max_new_tokens": s.max_new_tokens}

    @staticmethod
    def _method(method: str | None) -> str:
        method = (method or AUTO).strip().lower()
        if method not in METHODS:
            raise InputError(f"Unknown summary method {method!r}: choose one of {', '.join(METHODS)}.")
        return method

    def digest(
        self,
        text: str,
        bullets: int | None = None,
        full_translation: bool = False,
        method: str = AUTO,
    ) -> Digest:
        """Bilingual key points of a Greek article. Raises InputError for unusable input.

        method: "auto" (abstractive when a summariser is configured, else extractive),
        "extractive", or "abstractive" (falls back to extractive, with a warning, when no
        summariser is available or it produces nothing usable).
        """
        method = self._method(method)
        started = time.perf_counter()
        article = self.parse(text)
        parse_seconds = time.perf_counter() - started
        (digest,) = self.digest_articles([article], bullets, method, full_translation)
        digest.timings = {
            "parse": round(parse_seconds, 4),
            **digest.timings,
            "total": round(time.perf_counter() - started, 4),
        }
        return digest

    def digest_articles(
        self,
        articles: list[Article],
        bullets: int | None = None,
        method: str = AUTO,
        full_translation: bool = False,
    ) -> list[Digest]:
        """Digests of parsed articles, the English of all of them from one generate() call.

        Pooling the bullets (or sentences) of many documents fills the model's batches: this is
        what the batch job calls, and digest() is this for one article.
        """
        method = self._method(method)
        count = max(1, min(int(bullets or self.settings.bullets), MAX_BULLETS))
        planned: list[tuple[KeyPoints, list[str], float]] = []
        for article in articles:
            started = time.perf_counter()
            warnings: list[str] = []
            points = self._key_points(article, count, method, warnings)
            planned.append((points, warnings, time.perf_counter() - started))

        translator = self.translator
        started = time.perf_counter()
        translations: list[Translation | None] = [None] * len(articles)
        english: list[list[str | None]] = [[None] * len(p.texts) for p, _, _ in planned]
        if translator is not None and full_translation:
            translations = list(translate_articles(translator, articles, **self.translate_options()))
            english = [
                self._bullets_english(translator, article, points, translation)
                for article, (points, _, _), translation in zip(articles, planned, translations, strict=True)
            ]
        elif translator is not None:
            pooled = translate_sentences(
                translator, [t for p, _, _ in planned for t in p.texts], **self.translate_options()
            )
            position = 0
            for i, (points, _, _) in enumerate(planned):
                english[i] = list(pooled[position : position + len(points.texts)])
                position += len(points.texts)
        # The pooled translation time, shared among the documents by their number of bullets.
        translate_seconds = time.perf_counter() - started
        share = translate_seconds / max(1, sum(len(p.texts) for p, _, _ in planned))

        digests: list[Digest] = []
        for article, (points, warnings, summarize_seconds), en, translation in zip(
            articles, planned, english, translations, strict=True
        ):
            if translator is None:
                warnings.append(self.translator_warning())
            timings = {
                "summarize": round(summarize_seconds, 4),
                "translate": round(share * len(points.texts), 4),
            }
            timings["total"] = round(sum(timings.values()), 4)
            digests.append(
                Digest(
                    bullets=[
                        Bullet(el, e, src)
                        for el, e, src in zip(points.texts, en, points.sources, strict=True)
                    ],
                    sentences=article.sentence_texts,
                    paragraphs=[s.paragraph for s in article.sentences],
                    models={
                        "translator": translator.name if translator else None,
                        "summarizer": points.summarizer,
                    },
                    timings=timings,
                    warnings=warnings,
                    translation=translation.text if translation else None,
                )
            )
        return digests

    def _bullets_english(
        self, translator: Seq2SeqModel, article: Article, points: KeyPoints, translation: Translation
    ) -> list[str | None]:
        """English of each bullet: a bullet that is an article sentence (always so for extractive)
        reuses the full translation; the others are translated in one call."""
        by_sentence = [en for _, en in translation.sentences]
        english: list[str | None] = [
            by_sentence[src[0]] if len(src) == 1 and article.sentences[src[0]].text == el else None
            for el, src in zip(points.texts, points.sources, strict=True)
        ]
        todo = [i for i, en in enumerate(english) if en is None]
        if todo:
            done = translate_sentences(
                translator, [points.texts[i] for i in todo], **self.translate_options()
            )
            for i, en in zip(todo, done, strict=True):
                english[i] = en
        return english

    def translate(self, text: str) -> Translation:
        """Whole article Greek→English. Raises InputError, or UnavailableError."""
        article = self.parse(text)
        translator = self.translator
        if translator is None:
            raise UnavailableError(self.translator_warning())
        return translate_article(translator, article, **self.translate_options())
