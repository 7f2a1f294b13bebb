"""The translation cache (service.cache): LRU bound, keys, normalisation, threads, the disk layer,
and that it never changes a result (stand-in models, and the tiny real translator on both backends)."""

from __future__ import annotations

import json
import threading
from collections.abc import Sequence
from pathlib import Path

import pytest

from models.base import ModelInfo, Seq2SeqModel
from service import DigestService, batch
from service.cache import TranslationCache, normalise_sentence, open_cache
from service.config import Settings
from service.translate import translate_sentences
from tests.conftest import SAMPLES
from ui.render import status_html


class RecordingModel(Seq2SeqModel):
    """Output names the model and the options, so a wrong cache key shows in the result."""

    def __init__(self, path: str = "-") -> None:
        super().__init__()
        self.info = ModelInfo("fake", path, "fake", "cpu", 64, 0.0)
        self.seen: list[str] = []  # every text the model was given
        self._seen_lock = threading.Lock()

    def count_tokens(self, texts: Sequence[str]) -> list[int]:
        return [len(t.split()) for t in texts]

    def _generate_batch(self, texts: list[str], max_new_tokens, num_beams, **options) -> list[str]:
        with self._seen_lock:
            self.seen.extend(texts)
        return [f"{self.info.path}|{num_beams}|{max_new_tokens}|{t}" for t in texts]


SENTENCES = [f"Πρόταση αριθμός {n} για τη δοκιμή." for n in range(6)]


def test_hits_skip_the_model_and_repeats_in_one_call_are_translated_once() -> None:
    model, cache = RecordingModel(), TranslationCache(100)
    first = translate_sentences(model, [SENTENCES[0], SENTENCES[1], SENTENCES[0]], cache=cache)
    assert model.seen == [SENTENCES[0], SENTENCES[1]]
    assert first == translate_sentences(model, [SENTENCES[0], SENTENCES[1], SENTENCES[0]])  # uncached
    model.seen.clear()
    again = translate_sentences(model, [SENTENCES[1], SENTENCES[0]], cache=cache)
    assert model.seen == [] and again == [first[1], first[0]]
    stats = cache.stats()
    assert (stats.hits, stats.misses, stats.size) == (3, 2, 2)


def test_lru_is_bounded_and_evicts_the_least_recently_used() -> None:
    model, cache = RecordingModel(), TranslationCache(3)
    translate_sentences(model, SENTENCES[:3], cache=cache)
    translate_sentences(model, SENTENCES[:1], cache=cache)  # 0 is now the most recent
    translate_sentences(model, SENTENCES[3:4], cache=cache)  # evicts 1, the least recent
    assert cache.stats().size == 3
    model.seen.clear()
    translate_sentences(model, [SENTENCES[0], SENTENCES[1], SENTENCES[3]], cache=cache)
    assert model.seen == [SENTENCES[1]]


def test_key_holds_model_and_options() -> None:
    cache = TranslationCache(100)
    one, two = RecordingModel("/models/one"), RecordingModel("/models/two")
    a = translate_sentences(one, SENTENCES[:1], cache=cache, num_beams=4)
    assert translate_sentences(two, SENTENCES[:1], cache=cache, num_beams=4) != a
    assert translate_sentences(one, SENTENCES[:1], cache=cache, num_beams=1) != a
    assert translate_sentences(one, SENTENCES[:1], cache=cache, num_beams=4, max_new_tokens=9) != a
    # batch_size is no output option: the same entry
    assert translate_sentences(one, SENTENCES[:1], cache=cache, num_beams=4, batch_size=2) == a
    assert len(two.seen) == 1 and len(one.seen) == 3


def test_model_files_changing_is_a_new_model(tmp_path: Path) -> None:
    (tmp_path / "model.bin").write_bytes(b"old")
    model, cache = RecordingModel(str(tmp_path)), TranslationCache(100, tmp_path / "cache")
    translate_sentences(model, SENTENCES[:1], cache=cache)
    (tmp_path / "model.bin").write_bytes(b"reconverted")
    fresh = RecordingModel(str(tmp_path))  # the service reloaded after a reconversion
    translate_sentences(fresh, SENTENCES[:1], cache=cache)
    assert fresh.seen == SENTENCES[:1]


def test_normalised_forms_share_an_entry_and_the_model_sees_the_normal_form() -> None:
    decomposed = "Η Βουλη\u0301 ψη\u0301φισε  το\tνομοσχέδιο. "
    assert normalise_sentence(decomposed) == "Η Βουλή ψήφισε το νομοσχέδιο."
    model, cache = RecordingModel(), TranslationCache(100)
    cached = translate_sentences(model, [decomposed, "Η Βουλή ψήφισε το νομοσχέδιο."], cache=cache)
    assert model.seen == ["Η Βουλή ψήφισε το νομοσχέδιο."]
    assert cached == translate_sentences(RecordingModel(), [decomposed, "Η Βουλή ψήφισε το νομοσχέδιο."])


def test_concurrent_requests_get_their_own_results() -> None:
    model, cache = RecordingModel(), TranslationCache(4)  # small: evictions race with lookups
    expected = {s: translate_sentences(RecordingModel(), [s])[0] for s in SENTENCES}
    errors: list[str] = []

    def worker(seed: int) -> None:
        for round_ in range(30):
            picked = [SENTENCES[(seed + round_ + k) % len(SENTENCES)] for k in range(3)]
            got = translate_sentences(model, picked, cache=cache)
            if got != [expected[s] for s in picked]:
                errors.append(f"{picked} -> {got}")

    threads = [threading.Thread(target=worker, args=(n,)) for n in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    stats = cache.stats()
    assert errors == []
    assert stats.hits + stats.misses == 8 * 30 * 3 and stats.size <= 4


def test_disk_layer_persists_across_instances(tmp_path: Path) -> None:
    model = RecordingModel()
    first = TranslationCache(100, tmp_path / "cache")
    english = translate_sentences(model, SENTENCES, cache=first)
    first.close()
    model.seen.clear()
    second = TranslationCache(0, tmp_path / "cache")  # memory off: every hit comes from disk
    assert translate_sentences(model, SENTENCES, cache=second) == english
    assert model.seen == []
    assert second.stats().disk_size == len(SENTENCES) and second.stats().hits == len(SENTENCES)


def test_cache_off_and_bad_settings(isolated_env: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    assert open_cache(0) is None
    monkeypatch.setenv("DIGEST_CACHE_SIZE", "0")
    assert DigestService(Settings.from_env(translator="none")).cache is None
    monkeypatch.setenv("DIGEST_CACHE_SIZE", "12")
    assert DigestService(Settings.from_env(translator="none")).cache.capacity == 12
    with pytest.raises(ValueError, match="cache_size"):
        Settings(cache_size=-1)
    (isolated_env / "file").write_text("not a directory")
    with pytest.raises(ValueError, match="cannot open the translation cache"):
        TranslationCache(10, isolated_env / "file")


def test_status_reports_the_cache(monkeypatch: pytest.MonkeyPatch, sample_texts: dict[str, str]) -> None:
    monkeypatch.setattr("service.digest_service.load_seq2seq", lambda *args, **kwargs: RecordingModel())
    service = DigestService(Settings(translator="fake", cache_size=50))
    text = sample_texts["el-news-putin-kim-call"]
    first = service.digest(text, bullets=3)
    second = service.digest(text, bullets=3)
    assert [b.en for b in first.bullets] == [b.en for b in second.bullets]
    status = service.status().cache
    assert status == {"size": 3, "capacity": 50, "hits": 3, "misses": 3}
    shown = "translation cache: <code>3 of 50 sentences, 3 hits, 3 misses</code>"
    assert shown in status_html(service.status().to_dict())


@pytest.mark.parametrize("backend", ["torch", "ct2"])
def test_real_model_results_identical_with_and_without_cache(
    backend: str, tiny_models: dict[str, Path], isolated_env: Path, tmp_path_factory: pytest.TempPathFactory
) -> None:
    """The tiny translator on the sample articles: uncached, cached (cold, then warm), and cached
    under concurrent requests (with CT2, through the micro-batcher) all give the same English."""
    model_dir = tiny_models["translator"]
    if backend == "ct2":
        from models.convert import convert_to_ct2

        model_dir = convert_to_ct2(str(model_dir), tmp_path_factory.mktemp("cache-ct2") / "int8")
    settings = {"translator": str(model_dir), "backend": backend, "num_beams": 2, "max_new_tokens": 8}
    plain = DigestService(Settings(**settings, cache_size=0)).load()
    cached = DigestService(Settings(**settings, cache_size=1000)).load()
    texts = [p.read_text(encoding="utf-8") for p in SAMPLES]

    def english(service: DigestService, text: str) -> dict:
        return {k: v for k, v in service.translate(text).to_dict().items() if k != "timings"}

    expected = [english(plain, t) for t in texts]
    assert any(s["en"] for e in expected for s in e["sentences"])  # the model does say something
    assert [english(cached, t) for t in texts] == expected  # cold
    assert [english(cached, t) for t in texts] == expected  # warm: all hits
    assert cached.cache.stats().misses == sum(len(e["sentences"]) for e in expected)

    fresh = DigestService(Settings(**settings, cache_size=1000)).load()
    results: dict[int, list[dict]] = {}

    def request(n: int) -> None:
        results[n] = [english(fresh, t) for t in (texts if n % 2 else texts[::-1])]

    threads = [threading.Thread(target=request, args=(n,)) for n in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    for n, got in results.items():
        assert got == (expected if n % 2 else expected[::-1])
    assert len(results) == 4


def test_batch_cache_dir_is_reused_between_runs(
    tiny_models: dict[str, Path], isolated_env: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    articles = tmp_path / "in.jsonl"
    texts = [p.read_text(encoding="utf-8") for p in SAMPLES]
    articles.write_text("".join(json.dumps({"id": f"a{i}", "text": texts[i % 2]}, ensure_ascii=False) + "\n"
                                for i in range(4)), encoding="utf-8")
    flags = ["--translator", str(tiny_models["translator"]), "--num-beams", "1", "--max-new-tokens", "6",
             "--quiet", "--cache", str(tmp_path / "cache")]
    assert batch.main([str(articles), "-o", str(tmp_path / "one.jsonl"), *flags]) == 0
    first = capsys.readouterr().err
    assert " 0 translated" not in first and "sentences reused" in first  # the repeats within the run
    assert batch.main([str(articles), "-o", str(tmp_path / "two.jsonl"), *flags]) == 0
    second = capsys.readouterr().err
    assert " 0 translated" in second, second
    one = [json.loads(line)["result"] for line in (tmp_path / "one.jsonl").read_text().splitlines()]
    two = [json.loads(line)["result"] for line in (tmp_path / "two.jsonl").read_text().splitlines()]
    assert one == two and one[0] == one[2]


def test_batch_bad_cache_dir_is_a_usage_error(
    tiny_models: dict[str, Path], isolated_env: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "in.jsonl").write_text(json.dumps({"id": "a", "text": "Ελληνικά"}) + "\n", encoding="utf-8")
    (tmp_path / "nodir").write_text("a file")
    flags = ["--quiet", "--translator", str(tiny_models["translator"]), "--cache", str(tmp_path / "nodir")]
    code = batch.main([str(tmp_path / "in.jsonl"), "-o", str(tmp_path / "out.jsonl"), *flags])
    err = capsys.readouterr().err
    assert code == 2 and "cannot open the translation cache" in err and "Traceback" not in err
    assert not (tmp_path / "out.jsonl").exists()


def test_progress_counts_cached_sentences_as_done() -> None:
    """A fully cached request still reaches 'all done'; a partly cached one starts part-way."""
    model, cache = RecordingModel(), TranslationCache(100)
    translate_sentences(model, SENTENCES[:2], cache=cache)
    heard: list[tuple[int, int]] = []
    translate_sentences(model, SENTENCES[:3], cache=cache, batch_size=1,
                        progress=lambda done, total: heard.append((done, total)))
    assert heard == [(2, 3), (3, 3)]
    heard.clear()
    translate_sentences(model, SENTENCES[:2], cache=cache, progress=lambda d, t: heard.append((d, t)))
    assert heard == [(2, 2)]
