"""Batch briefing mode: one line per story (consecutive records sharing --group-field), one error line
per bad record, resumable, through the batch job's main() with the tiny translator."""

from __future__ import annotations

import csv
from pathlib import Path

from service.batch_briefing import Story, stories, unique_stories
from service.batch_input import Record
from tests import test_batch
from tests.conftest import SAMPLES
from tests.test_batch import error_line, read_out, write_jsonl
from tests.test_briefing import QUAKE_1, QUAKE_2

run_batch = test_batch.run_batch  # the batch job's main() with the tiny translator (a fixture)

PUTIN, SHOIGU = (p.read_text(encoding="utf-8") for p in SAMPLES)


def test_one_line_per_story_and_error_lines_for_bad_records(run_batch, tmp_path: Path) -> None:
    source = write_jsonl(tmp_path / "in.jsonl", [
        {"id": "q1", "story": "quake", "text": QUAKE_1},
        {"id": "q2", "story": "quake", "text": QUAKE_2},
        {"id": "q3", "story": "quake", "text": "English only: not a Greek news article at all."},
        {"id": "k1", "story": "korea", "text": PUTIN},
        {"id": "k2", "story": "korea", "text": SHOIGU},
        {"id": "lost", "text": QUAKE_1},  # no story
        "{not json\n",
        {"id": "e1", "story": "empty", "text": ""},
    ])
    out = tmp_path / "out.jsonl"
    code, err = run_batch(str(source), "-o", str(out), "--mode", "briefing", "--group-field", "story",
                          "--bullets", "3")
    assert code == 1, err  # some records failed
    records = {r["id"]: r for r in read_out(out)}
    assert list(records) == ["quake", "quake/q3", "korea", "lost", "line-7", "empty", "empty/e1"]

    quake = records["quake"]
    assert quake["mode"] == "briefing" and quake["records"] == ["q1", "q2"]
    assert quake["source"] == "in.jsonl:1"
    first = quake["result"]["points"][0]
    assert first["reported_by"] == [0, 1] and "Ρίχτερ" in first["el"] and first["en"]
    assert records["quake/q3"]["story"] == "quake"
    assert "does not look like Greek" in records["quake/q3"]["error"]
    korea = records["korea"]["result"]
    assert korea["points"][0]["reported_by"] == [0, 1]
    assert "'story' value" in records["lost"]["error"]
    assert "not valid JSON" in records["line-7"]["error"]
    assert records["empty"]["error"] == "story 'empty' has no usable article (see its records' error lines)"
    assert "batch: 2 done, 5 failed" in err

    # Resumed: nothing is done twice.
    again, err = run_batch(str(source), "-o", str(out), "--mode", "briefing", "--group-field", "story")
    assert again == 1 and "0 done, 0 failed, 5 skipped" in err
    assert len(read_out(out)) == 7

    # Retried: a story with a bad record is briefed again, so the record's error line is not lost.
    again, err = run_batch(str(source), "-o", str(out), "--mode", "briefing", "--group-field", "story",
                           "--bullets", "3", "--retry-errors")
    assert again == 1 and "1 done, 5 failed, 1 skipped" in err, err  # quake again; korea kept
    retried = {r["id"]: r for r in read_out(out)}
    assert sorted(retried) == sorted(records) and retried["quake"]["records"] == ["q1", "q2"]
    assert retried["korea"] == records["korea"]  # a story without errors stays as it was


def test_csv_stories_too_many_articles_and_a_story_that_comes_back(run_batch, tmp_path: Path) -> None:
    source = tmp_path / "in.csv"
    with source.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["id", "story", "body"])
        writer.writerows([[f"b{n}", "big", QUAKE_1] for n in range(11)])
        writer.writerows([["q1", "quake", QUAKE_1], ["q2", "quake", QUAKE_2], ["k1", "korea", PUTIN],
                          ["q3", "quake", QUAKE_2]])
    out = tmp_path / "out.jsonl"
    code, err = run_batch(str(source), "-o", str(out), "--mode", "briefing", "--group-field", "story",
                          "--field", "body", "--bullets", "2")
    assert code == 1, err
    records = {r["id"]: r for r in read_out(out)}
    assert list(records) == ["big", "quake", "korea", "quake#2"]
    assert records["big"]["error"] == "story 'big' has 11 articles; a briefing takes at most 10"
    assert records["quake"]["records"] == ["q1", "q2"] and len(records["quake"]["result"]["points"]) == 2
    one = records["quake#2"]["result"]
    assert one["warnings"][0].startswith("Only one article")


def test_usage_errors(run_batch, tmp_path: Path) -> None:
    source = write_jsonl(tmp_path / "in.jsonl", [{"id": "a", "story": "s", "text": QUAKE_1}])
    out = tmp_path / "out.jsonl"
    code, err = run_batch(str(source), "-o", str(out), "--mode", "briefing")
    assert code == 2 and "--mode briefing and --group-field FIELD go together" in error_line(err)
    code, err = run_batch(str(tmp_path), "-o", str(out), "--mode", "briefing", "--group-field", "story")
    assert code == 2 and "reads a JSONL or CSV INPUT" in error_line(err)


def test_stories_are_consecutive_runs() -> None:
    records = [Record("a", "x:1", group="s"), Record("b", "x:2", group="s"), Record("c", "x:3"),
               Record("d", "x:4", group="t"), Record("e", "x:5", group="s")]
    found = list(unique_stories(stories(records, "story")))
    assert [s.head.id for s in found] == ["s", "c", "t", "s#2"]
    assert [[r.id for r in s.records] for s in found] == [["a", "b"], [], ["d"], ["e"]]
    assert found[1].head.error == "no 'story' value: a briefing groups records by it"
    assert Story(Record("x", "y")).size == 1
