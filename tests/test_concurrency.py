"""Models and tokenizers shared by concurrent requests: results equal the sequential ones."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from service.config import Settings
from service.digest_service import DigestService
from tests.bad_inputs import ARTICLE


def test_concurrent_digests_equal_sequential(tiny_models: dict[str, Path], sample_texts) -> None:
    articles = [*sample_texts.values(), ARTICLE] * 3
    # Not loaded in advance: the first requests race to load the model, which must happen once.
    service = DigestService(
        Settings.from_env(translator=str(tiny_models["translator"]), num_beams=1, backend="torch")
    )
    with ThreadPoolExecutor(max_workers=6) as pool:
        concurrent = list(pool.map(lambda text: service.digest(text, bullets=3), articles))
    sequential = [service.digest(text, bullets=3) for text in articles]
    for got, want in zip(concurrent, sequential, strict=True):
        assert [(b.el, b.en, b.sources) for b in got.bullets] == [
            (b.el, b.en, b.sources) for b in want.bullets
        ]
        assert all(b.en for b in got.bullets)
    assert service.status().to_dict()["translator"]["state"] == "loaded"


def test_concurrent_translations_equal_sequential(tiny_models: dict[str, Path], sample_texts) -> None:
    service = DigestService(
        Settings.from_env(translator=str(tiny_models["translator"]), num_beams=1, backend="torch")
    ).load()
    texts = [*sample_texts.values()] * 3
    with ThreadPoolExecutor(max_workers=6) as pool:
        concurrent = [t.text for t in pool.map(service.translate, texts)]
    assert concurrent == [service.translate(t).text for t in texts]
