"""Every awkward input gives a clear one-line error or a sensible digest, never a crash."""

from __future__ import annotations

import contextlib
import json
from pathlib import Path

import pytest

from service.config import Settings
from service.digest_service import DigestService
from service.errors import InputError
from tests.bad_inputs import CASES, Case


@pytest.fixture(scope="module")
def service(tiny_models: dict[str, Path]) -> DigestService:
    return DigestService(
        Settings.from_env(translator=str(tiny_models["translator"]), max_chars=20_000, num_beams=1)
    ).load()


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_digest_and_translate(service: DigestService, case: Case) -> None:
    if case.expect == "error":
        for call in (service.digest, service.translate):
            with pytest.raises(InputError) as info:
                call(case.text)
            message = str(info.value)
            assert "\n" not in message and case.needle in message, message
        return
    digest = service.digest(case.text, bullets=3)
    assert 1 <= len(digest.bullets) <= 3
    for bullet in digest.bullets:
        assert bullet.el.strip() and bullet.en and bullet.en.strip()
        assert all(0 <= i < len(digest.sentences) for i in bullet.sources)
        assert "\x00" not in bullet.el and "<" not in bullet.el
    translation = service.translate(case.text)
    assert len(translation.paragraphs) == len(translation.source_paragraphs) >= 1


def test_html_page_keeps_article_drops_scripts(service: DigestService) -> None:
    case = next(c for c in CASES if c.name == "html page with scripts and nav")
    sentences = service.digest(case.text).sentences
    assert any("Παρίσι" in s for s in sentences)
    assert not any("σεναρίου" in s or "var a" in s for s in sentences)


def test_repeated_sentences_give_one_bullet_per_distinct_point(service: DigestService) -> None:
    case = next(c for c in CASES if c.name == "repeated identical sentences")
    digest = service.digest(case.text, bullets=5)
    assert len({b.el for b in digest.bullets}) == 1


def test_service_keeps_working_after_bad_inputs(service: DigestService) -> None:
    ok = next(c for c in CASES if c.name == "plain article")
    before = service.digest(ok.text).to_dict()
    for case in CASES:
        with contextlib.suppress(InputError):
            service.digest(case.text)
    after = service.digest(ok.text).to_dict()
    assert [b["el"] for b in after["bullets"]] == [b["el"] for b in before["bullets"]]
    assert [b["en"] for b in after["bullets"]] == [b["en"] for b in before["bullets"]]


def test_batch_job_gives_each_case_its_result_or_error(
    tiny_models: dict[str, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from service.batch import main as batch_main

    source = tmp_path / "cases.jsonl"
    source.write_text(
        "".join(json.dumps({"id": c.name, "text": c.text}, ensure_ascii=False) + "\n" for c in CASES),
        encoding="utf-8",
    )
    out = tmp_path / "out.jsonl"
    code = batch_main([str(source), "-o", str(out), "--translator", str(tiny_models["translator"]),
                       "--num-beams", "1", "--max-new-tokens", "8", "-q"])
    assert code == 1  # some cases are errors by design
    for record in records_by_case(out):
        assert record["result"]["text"].strip(), record


def records_by_case(out: Path) -> list[dict]:
    """OUT's records of the cases that should work, after checking every case is there exactly once
    and every error case has its one-line error."""
    records = {r["id"]: r for r in map(json.loads, out.read_text(encoding="utf-8").splitlines())}
    assert sorted(records) == sorted(c.name for c in CASES)
    for case in CASES:
        record = records[case.name]
        if case.expect == "error":
            assert case.needle in record["error"] and "\n" not in record["error"], record
        else:
            assert "error" not in record, record
    return [records[c.name] for c in CASES if c.expect == "ok"]


def test_batch_job_reads_every_case_back_from_csv(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """The same cases as CSV rows (quotes, newlines, NULs and all): one record each, none merged."""
    import csv

    from service.batch import main as batch_main

    source = tmp_path / "cases.csv"
    with source.open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle).writerows([["id", "text"], *([c.name, c.text] for c in CASES)])
    out = tmp_path / "out.jsonl"
    assert batch_main([str(source), "-o", str(out), "--mode", "digest", "--translator", "none", "-q"]) == 1
    for record in records_by_case(out):
        assert record["result"]["bullets"], record
