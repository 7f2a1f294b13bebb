"""The Digest dataclass and its JSON/Markdown forms, and the pipeline without a translator."""

from __future__ import annotations

import json

import pytest

from service.config import Settings
from service.digest import Bullet, Digest
from service.digest_service import DigestService
from service.errors import InputError, UnavailableError


def _digest() -> Digest:
    return Digest(
        bullets=[Bullet("Πρώτη πρόταση.", "First sentence.", [0]), Bullet("Τρίτη.", None, [2])],
        sentences=["Πρώτη πρόταση.", "Δεύτερη.", "Τρίτη."],
        models={"translator": "tiny", "summarizer": "extractive"},
        timings={"total": 0.5},
        warnings=["something"],
    )


def test_json_round_trip() -> None:
    digest = _digest()
    data = json.loads(digest.to_json())
    assert data["bullets"][0] == {"el": "Πρώτη πρόταση.", "en": "First sentence.", "sources": [0]}
    assert data["bullets"][1]["en"] is None
    assert Digest.from_dict(data) == digest
    assert "Πρώτη" in digest.to_json()  # Greek kept readable, not \u-escaped


def test_markdown_pairs_greek_with_english() -> None:
    md = _digest().to_markdown()
    lines = md.splitlines()
    first = lines.index("1. **Πρώτη πρόταση.**")
    assert lines[first + 1].strip() == "First sentence."
    assert "no English translation" in md
    assert "- something" in md
    assert "sentence 3 of the article" in md


def test_markdown_quotes_evidence_when_bullet_is_not_a_sentence() -> None:
    digest = _digest()
    digest.bullets[0] = Bullet("Σύνοψη δύο προτάσεων.", "Summary.", [0, 1])
    md = digest.to_markdown()
    assert "> [1] Πρώτη πρόταση." in md and "> [2] Δεύτερη." in md


@pytest.fixture
def no_translator(isolated_env) -> DigestService:
    return DigestService(Settings.from_env(translator="none"))


def test_digest_without_translator_keeps_greek_bullets(no_translator, sample_texts) -> None:
    text = sample_texts["el-news-putin-kim-call"]
    digest = no_translator.digest(text, bullets=3)
    assert len(digest.bullets) == 3
    for bullet in digest.bullets:
        assert bullet.en is None
        assert bullet.el == digest.sentences[bullet.sources[0]]
    assert digest.warnings and "translator" in digest.warnings[0].lower()
    assert digest.models["translator"] is None
    assert set(digest.timings) >= {"parse", "summarize", "translate", "total"}


def test_missing_translator_offline_gives_warning_not_failure(isolated_env, sample_texts) -> None:
    service = DigestService(Settings.from_env(translator="no-such-org/no-such-model"))
    digest = service.digest(sample_texts["el-news-putin-kim-call"])
    assert all(b.en is None for b in digest.bullets)
    assert "no-such-org/no-such-model" in digest.warnings[0]
    assert "download_models.py" in digest.warnings[0]
    assert service.status().to_dict()["translator"]["state"] == "missing"
    with pytest.raises(UnavailableError, match="no-such-org/no-such-model"):
        service.translate(sample_texts["el-news-putin-kim-call"])


def test_bad_input_raises_input_error(no_translator) -> None:
    for bad in ["", "Plain English text, nothing Greek in it at all, really none."]:
        with pytest.raises(InputError):
            no_translator.digest(bad)


def test_digest_articles_pools_translation_and_matches_digest(tiny_models, sample_texts, monkeypatch) -> None:
    service = DigestService(
        # cache off: with it, the pooled call would find every bullet translated already
        Settings.from_env(translator=str(tiny_models["translator"]), num_beams=1, max_new_tokens=8,
                          cache_size=0)
    ).load()
    texts = list(sample_texts.values())
    one_by_one = [service.digest(t, bullets=3) for t in texts]
    calls: list[int] = []
    original = service.translator.generate
    def counting(texts, **options):
        calls.append(len(texts))
        return original(texts, **options)

    monkeypatch.setattr(service.translator, "generate", counting)
    pooled = service.digest_articles([service.parse(t) for t in texts], bullets=3)
    assert calls == [6]  # both articles' bullets in one generate() call
    for got, want in zip(pooled, one_by_one, strict=True):
        pairs = [(b.el, b.en, b.sources) for b in got.bullets]
        assert pairs == [(b.el, b.en, b.sources) for b in want.bullets]
        assert got.models == want.models and got.warnings == want.warnings == []
