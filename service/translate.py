"""Greek→English translation of sentences and whole articles, paragraphs kept."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from typing import Any, TypedDict, Unpack

from models.base import Seq2SeqModel
from service.cache import TranslationCache, normalise_sentence
from service.checks import Glossary
from service.text import Article

# Told (sentences translated so far, sentences in all) between model batches. A plain callable:
# the web app wraps Gradio's progress bar in one, the service knows nothing of Gradio.
Progress = Callable[[int, int], None]


@dataclass
class Translation:
    """An article's translation: English paragraphs in source order, and per-sentence pairs."""

    source_paragraphs: list[str]
    paragraphs: list[str]
    sentences: list[tuple[str, str]]  # (Greek, English) in article order
    checks: list[list[dict[str, str]]] | None = None  # Flag dicts per sentence; None: not checked
    checks_summary: dict[str, Any] | None = None  # lines checked / flagged, flags
    model: str | None = None  # the translator that made it
    timings: dict[str, float] = field(default_factory=dict)  # seconds: parse, translate, total

    @property
    def text(self) -> str:
        return "\n\n".join(self.paragraphs)

    def to_dict(self) -> dict:
        data = asdict(self)
        data["text"] = self.text
        data["sentences"] = [{"el": el, "en": en} for el, en in self.sentences]
        del data["checks"], data["checks_summary"]
        if self.checks is not None:  # unchecked: the JSON as before the checks
            for sentence, flags in zip(data["sentences"], self.checks, strict=True):
                sentence["checks"] = flags
            data["checks"] = self.checks_summary
        return data


def translate_sentences(
    model: Seq2SeqModel,
    sentences: list[str],
    *,
    num_beams: int | None = None,
    batch_size: int = 16,
    max_new_tokens: int | None = None,
    glossary: Glossary | None = None,
    progress: Progress | None = None,
    cache: TranslationCache | None = None,
) -> list[str]:
    """English for each Greek sentence, one generate() call, batched and length-sorted.

    With a glossary, its preferred English is written into the Greek first (the model copies it);
    done here, before anything else sees the sentence, so the cache keys on the prepared text.
    This is the one place sentences meet the model, so the cache sits here: with one, only the
    sentences it does not hold go to the model (progress counts the cached ones as done). The
    model gets the normalised text with or without a cache.
    """
    if not sentences:
        return []
    if glossary is not None:
        sentences = [glossary.prepare_source(s) for s in sentences]
    sentences = [normalise_sentence(s) for s in sentences]
    generation = {"num_beams": num_beams, "max_new_tokens": max_new_tokens}

    ran = False

    def run(texts: list[str]) -> list[str]:
        nonlocal ran
        ran = True
        if progress is None:
            return _generate(model, texts, batch_size, generation, None)
        answered = len(sentences) - len(texts)  # the cache's answers count as done from the start

        def told(done: int, _todo: int) -> None:
            progress(answered + done, len(sentences))

        return _generate(model, texts, batch_size, generation, told)

    english = cache.translate(model, generation, sentences, run) if cache is not None else run(sentences)
    if progress is not None and not ran:  # every sentence was in the cache
        progress(len(sentences), len(sentences))
    return english


def _generate(
    model: Seq2SeqModel, sentences: list[str], batch_size: int, generation: dict[str, Any],
    progress: Progress | None,
) -> list[str]:
    """The model's English: one generate() call; with `progress`, the length-sorted sentences go to
    the model one batch per call instead (the same batches it would form itself), progress told
    after each."""
    options = {**generation, "batch_size": batch_size}
    if progress is None:
        return model.generate(sentences, **options)
    order = sorted(range(len(sentences)), key=lambda i: len(sentences[i]))
    english = [""] * len(sentences)
    progress(0, len(sentences))
    for start in range(0, len(order), batch_size):
        chunk = order[start : start + batch_size]
        for i, text in zip(chunk, model.generate([sentences[i] for i in chunk], **options), strict=True):
            english[i] = text
        progress(start + len(chunk), len(sentences))
    return english


def assemble_translation(article: Article, english: list[str], model: str | None = None) -> Translation:
    """A Translation of `article` from the English of each of its sentences, in order."""
    paragraphs: list[list[str]] = [[] for _ in article.paragraphs]
    for sentence, text in zip(article.sentences, english, strict=True):
        paragraphs[sentence.paragraph].append(text)
    return Translation(
        source_paragraphs=list(article.paragraphs),
        paragraphs=[" ".join(p) for p in paragraphs],
        sentences=list(zip(article.sentence_texts, english, strict=True)),
        model=model,
    )


class TranslateOptions(TypedDict, total=False):
    """translate_sentences()'s keyword options (its defaults apply), passed on unchanged by
    translate_articles() and translate_groups()."""

    num_beams: int | None
    batch_size: int
    max_new_tokens: int | None
    glossary: Glossary | None
    progress: Progress | None
    cache: TranslationCache | None


def translate_articles(
    model: Seq2SeqModel, articles: list[Article], **options: Unpack[TranslateOptions]
) -> list[Translation]:
    """Translate many articles with ONE generate() call over all their sentences.

    Pooling the sentences of many documents fills the model's batches (length-sorted across
    documents), which is what makes batch jobs fast; each article is then reassembled in order.
    """
    english = translate_groups(model, [article.sentence_texts for article in articles], **options)
    return [assemble_translation(a, e, model.name) for a, e in zip(articles, english, strict=True)]


def translate_groups(
    model: Seq2SeqModel, groups: list[list[str]], **options: Unpack[TranslateOptions]
) -> list[list[str]]:
    """English of each group of Greek texts, all groups in ONE generate() call, sliced back."""
    english = translate_sentences(model, [text for group in groups for text in group], **options)
    out: list[list[str]] = []
    start = 0
    for group in groups:
        out.append(list(english[start : start + len(group)]))
        start += len(group)
    return out
