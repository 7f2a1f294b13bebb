"""Abstractive key points: chunking, bullets, evidence links, and the service's use of a summariser
(tiny random mT5 and mBART through the real loading code) with its fallbacks to extractive."""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable, Sequence
from pathlib import Path

import pytest

from models.base import ModelInfo, Seq2SeqModel
from models.registry import input_prefix, lookup
from service.abstractive import (
    GENERATION_DEFAULTS,
    SourceLinker,
    abstractive_key_points,
    chunk_sentences,
    summary_sentences,
)
from service.config import Settings
from service.digest_service import DigestService
from service.errors import InputError
from service.text import parse_article


class WordModel(Seq2SeqModel):
    """A stand-in summariser: one token per word (+1 for </s>), answers from `respond`."""

    def __init__(self, respond: Callable[[str], str], limit: int = 40, prefix: str = "") -> None:
        super().__init__()
        self.respond = respond
        self.prefix = prefix
        self.options: dict = {}
        self.info = ModelInfo("word-model", "/nowhere", "fake", "cpu", limit, 0.0)

    def count_tokens(self, texts: Sequence[str]) -> list[int]:
        return [len(t.split()) + 1 for t in texts]

    def _generate_batch(self, texts, max_new_tokens, num_beams, **options) -> list[str]:
        self.options = {"max_new_tokens": max_new_tokens, "num_beams": num_beams, **options}
        return [self.respond(t) for t in texts]


def _sentences(n: int, words: int = 7) -> list[str]:
    return [" ".join(f"λέξη{i}x{j}" for j in range(words)) + "." for i in range(n)]


# -- chunking -------------------------------------------------------------------------------------
def test_chunks_are_whole_consecutive_sentences_that_fit_and_are_balanced() -> None:
    model = WordModel(str, limit=40, prefix="summarize: ")
    sentences = _sentences(13)  # 7 words each: 91 words, 3 chunks needed
    chunks = chunk_sentences(model, sentences)
    assert [i for chunk in chunks for i in chunk] == list(range(13))
    texts = [model.prefix + " ".join(sentences[i] for i in chunk) for chunk in chunks]
    assert all(n <= model.max_input_tokens for n in model.count_tokens(texts))
    assert len(chunks) == 3 and min(map(len, chunks)) >= 4  # no one-sentence tail
    assert chunk_sentences(model, sentences[:2]) == [[0, 1]]
    assert chunk_sentences(model, []) == []


def test_an_over_long_sentence_is_a_chunk_of_its_own() -> None:
    model = WordModel(str, limit=20)
    sentences = [*_sentences(1), " ".join(["μακριά"] * 60) + ".", *_sentences(1)]
    assert chunk_sentences(model, sentences) == [[0], [1], [2]]


# -- bullets and evidence -------------------------------------------------------------------------
def test_summary_sentences_drop_fragments_and_keep_greek_punctuation() -> None:
    summary = "Ο Πούτιν μίλησε με τον Κιμ. Τι συμφώνησαν; Στις 12.\n- Η Μόσχα θα στείλει βοήθεια."
    assert summary_sentences(summary) == ["Ο Πούτιν μίλησε με τον Κιμ.", "Η Μόσχα θα στείλει βοήθεια."]
    assert summary_sentences("") == [] and summary_sentences("<pad> 1 2") == []


def test_bullets_link_to_the_sentences_they_draw_on(sample_texts) -> None:
    article = parse_article(sample_texts["el-news-putin-kim-call"])
    sentences = article.sentence_texts
    linker = SourceLinker(sentences)
    # A bullet built from the words of two sentences is linked to both, the best first.
    first, other = sentences[0], sentences[-2]
    bullet = " ".join(first.split()[:8] + other.split()[:8])
    sources = linker.link(bullet, chunk=range(len(sentences)))
    assert 0 in sources and len(sources) <= 2 and sources == sorted(sources)
    # A bullet sharing no word with the article still points somewhere: its chunk's start.
    assert linker.link("Εντελώς άσχετη φράση χωρίς κοινές λέξεις.", chunk=[3, 4]) == [3]


def test_key_points_are_capped_deduplicated_and_spread_over_chunks() -> None:
    sentences = _sentences(13)
    summaries = {
        0: f"{sentences[0][:-1]} λοιπόν. Η πρώτη σύνοψη λέει πολλά. Η πρώτη σύνοψη λέει πολλά.",
        1: f"{sentences[5][:-1]} επίσης. Δεύτερη σύνοψη με λέξεις.",
        2: f"{sentences[10][:-1]} τέλος. Τρίτη σύνοψη με λέξεις.",
    }
    chunks = chunk_sentences(WordModel(str), sentences)
    assert len(chunks) == 3

    def respond(text: str) -> str:  # which chunk is this? the one whose first sentence it starts with
        return summaries[next(n for n, c in enumerate(chunks) if text.startswith(sentences[c[0]]))]

    model = WordModel(respond, limit=40)
    points = abstractive_key_points(model, sentences, 4)
    texts = [p.text for p in points]
    assert len(points) == 4 and len(set(texts)) == 4
    chunk_of = {i: c for c, chunk in enumerate(chunks) for i in chunk}  # sources stay in their chunk
    assert [chunk_of[p.sources[0]] for p in points] == sorted(chunk_of[p.sources[0]] for p in points)
    # every chunk represented before any gets two
    assert {chunk_of[p.sources[0]] for p in points} == {0, 1, 2}
    assert points[0].sources == [0] and any(p.sources == [5] for p in points)
    assert any(p.sources == [10] for p in points)
    assert model.options["num_beams"] == GENERATION_DEFAULTS["num_beams"]
    assert model.options["no_repeat_ngram_size"] == 3 and model.options["max_new_tokens"] == 128
    assert abstractive_key_points(WordModel(lambda text: ""), sentences, 4) == []


def test_registry_gives_prefix_to_store_directories_too(tmp_path: Path) -> None:
    assert input_prefix("IMISLab/GreekT5-mt5-small-greeksum") == "summarize: "
    assert input_prefix(str(tmp_path / "IMISLab--GreekT5-mt5-small-greeksum")) == "summarize: "
    assert input_prefix(str(tmp_path / "IMISLab--GreekT5-mt5-small-greeksum-ct2-int8")) == "summarize: "
    assert input_prefix("Helsinki-NLP/opus-mt-grk-en") == ""  # single target: no >>eng<< token
    assert lookup("dascim/greekbart-news24-abstract").family == "mbart"
    assert lookup("some/other-model") is None


# -- through the service, with tiny real models ---------------------------------------------------
@pytest.fixture(scope="module")
def fast_translator(tiny_models: dict[str, Path], tmp_path_factory) -> Path:
    """The tiny translator with a short max_length: random weights rarely emit </s>."""
    path = tmp_path_factory.mktemp("fast") / "translator"
    shutil.copytree(tiny_models["translator"], path)
    config_file = path / "generation_config.json"
    config = json.loads(config_file.read_text())
    config.update(max_length=12, num_beams=1)
    config_file.write_text(json.dumps(config))
    return path


def _tiny_options(model_dir: Path) -> dict:
    """Random-weight summarisers emit <pad> / </s> first; make them write some words, quickly."""
    from transformers import AutoTokenizer

    pad = AutoTokenizer.from_pretrained(model_dir).pad_token_id
    return {"bad_words_ids": [[pad]], "min_new_tokens": 6, "max_new_tokens": 12, "num_beams": 2}


@pytest.mark.parametrize("family", ["summarizer", "summarizer-mbart"], ids=["mt5", "mbart"])
def test_abstractive_digest_end_to_end(
    family: str, tiny_models: dict[str, Path], fast_translator: Path, isolated_env, sample_texts
) -> None:
    summarizer = tiny_models[family]
    service = DigestService(
        Settings.from_env(translator=str(fast_translator), summarizer=str(summarizer), backend="torch"),
        summarizer_options=_tiny_options(summarizer),
    ).load()
    digest = service.digest(sample_texts["el-news-shoigu-pyongyang"], bullets=3)
    assert digest.models == {"translator": str(fast_translator), "summarizer": str(summarizer)}
    assert 1 <= len(digest.bullets) <= 3
    shorter = (f"The summariser's summary gave {len(digest.bullets)} key points, not 3: "
               "it had no more sentences.")
    assert digest.warnings == ([] if len(digest.bullets) == 3 else [shorter])  # a shorter digest says why
    for bullet in digest.bullets:
        assert bullet.el.strip() and bullet.en and bullet.en.strip()
        assert bullet.sources and all(0 <= i < len(digest.sentences) for i in bullet.sources)
    assert "> [" in digest.to_markdown() or "sentence" in digest.to_markdown()  # evidence shown

    # The per-call override still gives extractive key points.
    extractive = service.digest(sample_texts["el-news-shoigu-pyongyang"], bullets=3, method="extractive")
    assert extractive.models["summarizer"] == "extractive"
    assert all(b.el == extractive.sentences[b.sources[0]] for b in extractive.bullets)

    status = service.status().to_dict()["summarizer"]
    assert status["state"] == "loaded" and status["kind"] == "abstractive" and status["found"]
    assert status["size_bytes"] > 0 and status["size"].endswith("kB") and status["load_seconds"] >= 0
    assert "abstractive" in service.status().to_dict()["methods"]


def test_full_translation_reuses_sentence_translations(
    tiny_models: dict[str, Path], fast_translator: Path, isolated_env, sample_texts
) -> None:
    summarizer = tiny_models["summarizer"]
    service = DigestService(
        Settings.from_env(translator=str(fast_translator), summarizer=str(summarizer), backend="torch"),
        summarizer_options=_tiny_options(summarizer),
    )
    digest = service.digest(sample_texts["el-news-putin-kim-call"], bullets=2, full_translation=True)
    assert digest.translation and all(b.en for b in digest.bullets)


def test_missing_summarizer_falls_back_to_extractive_with_a_warning(
    fast_translator: Path, isolated_env, sample_texts
) -> None:
    service = DigestService(
        Settings.from_env(translator=str(fast_translator), summarizer="no-such-org/no-such-summarizer")
    ).load()
    digest = service.digest(sample_texts["el-news-putin-kim-call"], bullets=3)
    assert digest.models["summarizer"] == "extractive" and len(digest.bullets) == 3
    assert len(digest.warnings) == 1
    assert "no-such-org/no-such-summarizer" in digest.warnings[0] and "extractive" in digest.warnings[0]
    status = service.status().to_dict()
    assert status["summarizer"]["state"] == "missing" and status["summarizer"]["found"] is False
    assert "download_models.py --summarizer no-such-org/no-such-summarizer" in status["summarizer"]["fix"]
    assert status["methods"] == ["auto", "extractive"]
    assert status["translator"]["state"] == "loaded" and status["translator"]["size_bytes"] > 0


def test_abstractive_requested_without_a_summarizer(isolated_env, sample_texts) -> None:
    service = DigestService(Settings.from_env(translator="none"))
    digest = service.digest(sample_texts["el-news-putin-kim-call"], bullets=2, method="abstractive")
    assert digest.models["summarizer"] == "extractive" and len(digest.bullets) == 2
    assert any("no summariser is configured" in w for w in digest.warnings)
    with pytest.raises(InputError, match="Unknown summary method"):
        service.digest(sample_texts["el-news-putin-kim-call"], method="magic")
    with pytest.raises(InputError, match=r"method must be one of .*, not a dict"):
        service.digest(sample_texts["el-news-putin-kim-call"], method={"x": 1})  # type: ignore[arg-type]


def test_empty_summaries_fall_back_to_extractive(
    tiny_models: dict[str, Path], isolated_env, sample_texts, monkeypatch
) -> None:
    service = DigestService(
        Settings.from_env(translator="none", summarizer=str(tiny_models["summarizer"]), backend="torch")
    )
    model = service.summarizer
    assert model is not None
    monkeypatch.setattr(model, "generate", lambda texts, **kwargs: ["" for _ in texts])
    digest = service.digest(sample_texts["el-news-putin-kim-call"], bullets=2)
    assert digest.models["summarizer"] == "extractive" and len(digest.bullets) == 2
    assert any("produced no usable summary" in w for w in digest.warnings)

    def broken(texts, **kwargs):
        raise TypeError("generate() options not supported by the CTranslate2 backend: ['x']")

    monkeypatch.setattr(model, "generate", broken)
    digest = service.digest(sample_texts["el-news-putin-kim-call"], bullets=2)
    assert digest.models["summarizer"] == "extractive"
    assert any("failed (TypeError" in w for w in digest.warnings)
