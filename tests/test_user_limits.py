"""What a new user met (issue 14) below the web app: one bullet limit and why a digest is shorter,
progress by sentences, the model named and timed without loading, key points that are prose,
Greek capitals, a missing package, and the batch job's summary."""

from __future__ import annotations

import json
import math
import sys
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest

from models.base import ModelInfo
from service import DigestService, batch, cli
from service import digest_service as engine_module
from service.config import MAX_BULLETS, Settings, check_bullets
from service.errors import InputError
from service.extractive import select_key_points
from service.text import normalize, parse_article
from tests.conftest import EXAMPLES

NINE_SENTENCES = EXAMPLES / "el-news-putin-kim-call.txt"  # 9 sentences in 8 paragraphs


class UpperModel:
    """A stand-in translator: "English" is the Greek in capitals; counts its generate() calls."""

    prefix = ""  # as Seq2SeqModel: nothing prepended to inputs (the cache keys on it)

    def __init__(self, name: str = "fake/translator") -> None:
        self.name = name
        self.info = ModelInfo(name, "/nowhere", "torch", "cpu", 512, 0.0)
        self.calls: list[int] = []

    def generate(self, texts: list[str], **options: Any) -> list[str]:
        self.calls.append(len(texts))
        return [t.upper() for t in texts]


# -- one bullet limit ---------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("value", "reason"),
    [("5", "got a string"), (None, "got nothing"), ([1], "got a list"), ("abc", "got a string"),
     (math.nan, "got nan"), (2.5, "got 2.5"), ({"n": 1}, "got an object"), (True, "got true/false"),
     (0, "from 1 to 10, got 0"), (-3, "got -3"), (MAX_BULLETS + 1, "got 11")],
)
def test_bad_bullet_counts_get_one_line(value: object, reason: str) -> None:
    with pytest.raises(InputError) as caught:
        check_bullets(value)
    assert reason in str(caught.value) and "\n" not in str(caught.value)


def test_bullet_limit_is_one_constant() -> None:
    assert MAX_BULLETS == 10
    assert check_bullets(4.0) == 4 and check_bullets(MAX_BULLETS) == MAX_BULLETS
    with pytest.raises(ValueError, match="bullets must be at most 10"):
        Settings(bullets=20)
    status = DigestService(Settings(translator="none")).status().to_dict()
    assert status["limits"]["max_bullets"] == MAX_BULLETS


@pytest.mark.parametrize("bullets", ["0", "-3", "11"])
def test_cli_out_of_range_bullets_exit_2(bullets: str, capsys: pytest.CaptureFixture[str]) -> None:
    code = cli.main(["digest", str(NINE_SENTENCES), f"--bullets={bullets}", "--translator", "none"])
    assert code == 2
    assert capsys.readouterr().err == f"error: bullets must be from 1 to 10, got {int(bullets)}\n"


@pytest.mark.parametrize("asked", [7, 9, 10])
def test_fewer_bullets_than_asked_say_why(asked: int) -> None:
    service = DigestService(Settings(translator="none"))
    digest = service.digest(NINE_SENTENCES.read_text(encoding="utf-8"), bullets=asked)
    assert len(digest.bullets) == 5
    assert f"9 sentences: at most 5 key points (about half the sentences), so 5 instead of {asked}." in (
        digest.warnings)


def test_batch_rejects_out_of_range_bullets(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert batch.main([str(tmp_path), "-o", str(tmp_path / "out.jsonl"), "--bullets", "0"]) == 2
    assert capsys.readouterr().err == "error: --bullets must be from 1 to 10, got 0\n"


# -- key points are news prose; Greek capitals ----------------------------------------------------
def test_source_lines_and_headings_never_become_key_points() -> None:
    article = parse_article(
        "Νέα μέτρα για την ακρίβεια από την κυβέρνηση\n\n"
        "Η κυβέρνηση ανακοίνωσε νέα μέτρα στήριξης για τα νοικοκυριά και τις επιχειρήσεις. "
        "Τα μέτρα αφορούν την ενέργεια, τα τρόφιμα και τα ενοίκια των νοικοκυριών.\n\n"
        "Πηγή: skai.gr\n\nΦωτογραφία: Eurokinissi, αρχείο της κυβέρνησης και των υπουργείων"
    )
    chosen = {p.text for p in select_key_points(article.sentence_texts, 5)}
    assert chosen == {article.sentence_texts[1], article.sentence_texts[2]}


def test_capitals_lose_the_accent_other_words_keep_it() -> None:
    assert normalize("ΕΚΤΑΚΤΟ: ΕΛΛΗΝΙΚΆ ΝΈΑ. Ο Άρης ή ο Ύδρας;") == "ΕΚΤΑΚΤΟ: ΕΛΛΗΝΙΚΑ ΝΕΑ. Ο Άρης ή ο Ύδρας;"
    assert normalize("ΠΡΩΤΕΪΝΊΚΟ") == "ΠΡΩΤΕΪΝΙΚΟ"  # the dialytika stays


def test_unpaired_surrogate_is_refused_before_any_work() -> None:
    with pytest.raises(InputError, match=r"unpaired surrogate \(\\ud800 at character 12\)"):
        parse_article("Η κυβέρνηση \ud800 ανακοίνωσε νέα μέτρα στήριξης για τα νοικοκυριά.")


# -- progress, the model named, timings without loading -------------------------------------------
@pytest.fixture
def fake_translator(monkeypatch: pytest.MonkeyPatch) -> SimpleNamespace:
    """DigestService's loader returns UpperModel, and loading costs 100 s on a fake clock."""
    clock = SimpleNamespace(now=0.0, model=UpperModel())

    def load(*args: Any, **kwargs: Any) -> UpperModel:
        clock.now += 100.0
        return clock.model

    monkeypatch.setattr(engine_module, "load_seq2seq", load)
    monkeypatch.setattr(engine_module.time, "perf_counter", lambda: clock.now)
    return clock


def test_translate_names_the_model_reports_progress_and_leaves_out_loading(fake_translator) -> None:
    service = DigestService(Settings(translator="fake/translator", batch_size=3))
    seen: list[tuple[int, int]] = []
    text = NINE_SENTENCES.read_text(encoding="utf-8")
    translation = service.translate(text, progress=lambda *p: seen.append(p))
    assert translation.model == "fake/translator"
    assert translation.to_dict()["model"] == "fake/translator"
    assert translation.timings["total"] < 100  # the 100 s of loading are not in it
    assert seen == [(0, 9), (3, 9), (6, 9), (9, 9)]  # after each model batch of 3
    assert fake_translator.model.calls == [3, 3, 3]


def test_digest_timings_leave_out_loading(fake_translator) -> None:
    service = DigestService(Settings(translator="fake/translator"))
    seen: list[tuple[int, int]] = []
    text = NINE_SENTENCES.read_text(encoding="utf-8")
    digest = service.digest(text, bullets=3, progress=lambda *p: seen.append(p))
    assert digest.timings["total"] < 100 and digest.models["translator"] == "fake/translator"
    assert seen[0] == (0, 3) and seen[-1] == (3, 3)


def test_cli_translate_json_names_the_model(tiny_models: dict[str, Path], capsys) -> None:
    code = cli.main(["translate", str(NINE_SENTENCES), "--format", "json",
                     "--translator", str(tiny_models["translator"])])
    assert code == 0
    data = json.loads(capsys.readouterr().out)
    assert data["model"] == str(tiny_models["translator"])
    assert set(data["timings"]) == {"parse", "translate", "total"}


# -- one fix line for a missing model; a missing package ------------------------------------------
def test_missing_translator_has_one_fix_everywhere(isolated_env: Path) -> None:
    service = DigestService(Settings.from_env(translator="no-such-org/no-such-model")).load()
    status = service.status().to_dict()["translator"]
    assert "download_models.py" not in status["error"]  # the error says what, the fix says how
    fix = status["fix"]
    assert fix.startswith("On a connected machine run .venv/bin/python scripts/download_models.py")
    assert service.translator_warning().endswith(f"Fix: {fix}")
    digest = service.digest(NINE_SENTENCES.read_text(encoding="utf-8"), bullets=2)
    assert digest.warnings[-1].count("download_models.py") == 1


def test_missing_package_is_named(monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capsys) -> None:
    monkeypatch.setitem(sys.modules, "tqdm", None)  # `import tqdm` now raises ImportError
    (tmp_path / "a.txt").write_text(NINE_SENTENCES.read_text(encoding="utf-8"), encoding="utf-8")
    code = batch.main([str(tmp_path), "-o", str(tmp_path / "out.jsonl"), "--mode", "digest",
                       "--translator", "none"])
    assert code == 2
    assert capsys.readouterr().err.splitlines()[-1] == (
        "error: package tqdm missing: run make setup (or .venv/bin/pip install -e .) and use "
        ".venv/bin/python")
