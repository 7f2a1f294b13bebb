"""The batch job (service.batch, scripts/batch_translate.py): every input kind, bad records,
resuming after a kill, and cross-document batching. Tiny random translator, offline."""

from __future__ import annotations

import csv
import fcntl
import io
import json
import signal
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Sequence
from pathlib import Path

import pytest

from models.base import ModelInfo, Seq2SeqModel
from service import batch
from service.batch_input import Record
from service.batch_log import scan_results
from service.config import Settings
from service.digest import Digest
from service.digest_service import DigestService
from service.text import parse_article
from service.translate import translate_articles
from tests.conftest import ROOT, SAMPLES, subprocess_env

GREEK = (
    "Ο πρωθυπουργός συναντήθηκε σήμερα με τον πρόεδρο της Γαλλίας στο Παρίσι. "
    "Συζήτησαν για την ενέργεια και τη μετανάστευση.\n\n"
    "Η συνάντηση διήρκεσε δύο ώρες. Οι δύο ηγέτες θα ξανασυναντηθούν τον Μάρτιο."
)
ENGLISH = "The prime minister met the French president in Paris today to talk about energy."
FAST = ["--num-beams", "1", "--max-new-tokens", "6", "--quiet"]


@pytest.fixture
def run_batch(tiny_models: dict[str, Path], isolated_env: Path, capsys: pytest.CaptureFixture[str]):
    """main(argv) in-process with the tiny translator; returns (exit status, stderr)."""

    def run(*args: str) -> tuple[int, str]:
        code = batch.main([*args, "--translator", str(tiny_models["translator"]), *FAST])
        return code, capsys.readouterr().err

    return run


def read_out(path: Path) -> list[dict]:
    """OUT line by line: every line complete (newline-terminated) JSON, ids unique."""
    data = path.read_bytes()
    assert data.endswith(b"\n")
    records = [json.loads(line) for line in data.split(b"\n")[:-1]]
    counts = Counter(r["id"] for r in records)
    assert all(n == 1 for n in counts.values()), counts
    for record in records:
        assert ("result" in record) != ("error" in record), record
        assert record["error"].count("\n") == 0 if "error" in record else True
    return records


def error_line(err: str) -> str:
    """The one 'error: ' line of stderr (other lines may be model-loading progress)."""
    lines = [line for line in err.splitlines() if line.startswith("error: ")]
    assert len(lines) == 1 and "Traceback" not in err, err
    return lines[0]


def write_jsonl(path: Path, lines: Sequence[object]) -> Path:
    path.write_text("".join(x if isinstance(x, str) else json.dumps(x, ensure_ascii=False) + "\n"
                            for x in lines), encoding="utf-8")
    return path


def test_directory_input_with_bad_files_and_out_dir(run_batch, tmp_path: Path) -> None:
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "good.txt").write_text(SAMPLES[0].read_text(encoding="utf-8"), encoding="utf-8")
    paragraphs = GREEK.split("\n\n")
    (docs / "page.html").write_text(
        "<html><head><script>var x = 'Κρυφό σενάριο εδώ';</script></head><body>"
        + "".join(f"<p>{p}</p>" for p in paragraphs) + "</body></html>", encoding="utf-8")
    (docs / "empty.md").write_text("", encoding="utf-8")
    (docs / "english.txt").write_text(ENGLISH, encoding="utf-8")
    (docs / "legacy.txt").write_bytes(GREEK.encode("iso-8859-7"))  # Greek, but not UTF-8
    (docs / "notes.json").write_text("{}", encoding="utf-8")  # not an article kind: ignored
    (docs / ".hidden.txt").write_text(GREEK, encoding="utf-8")
    out, out_dir = tmp_path / "out.jsonl", tmp_path / "en"

    code, err = run_batch(str(docs), "--output", str(out), "--out-dir", str(out_dir))

    assert code == 1  # some records failed
    records = {r["id"]: r for r in read_out(out)}
    assert list(records) == ["empty.md", "english.txt", "good.txt", "legacy.txt", "page.html"]
    assert all(r["mode"] == "translate" and r["source"].startswith(str(docs)) for r in records.values())
    assert "empty" in records["empty.md"]["error"]
    assert "Greek" in records["english.txt"]["error"]
    assert "UTF-8" in records["legacy.txt"]["error"]
    page = records["page.html"]["result"]
    assert page["source_paragraphs"] == paragraphs  # HTML → paragraphs, script dropped
    good = records["good.txt"]["result"]
    assert page["model"] == good["model"] and good["model"].endswith("translator")  # who translated
    for result in (page, good):
        assert len(result["paragraphs"]) == len(result["source_paragraphs"])
        assert all(p.strip() for p in result["paragraphs"])
        assert result["text"] == "\n\n".join(result["paragraphs"])
    assert sorted(p.name for p in out_dir.iterdir()) == ["good.en.txt", "page.en.txt"]
    assert (out_dir / "page.en.txt").read_text(encoding="utf-8") == page["text"] + "\n"
    assert "2 done, 3 failed, 0 skipped" in err


def test_jsonl_input_every_line_once(run_batch, tmp_path: Path) -> None:
    source = write_jsonl(tmp_path / "in.jsonl", [
        {"id": "a", "text": GREEK},                 # 1
        "{not json\n",                              # 2
        "\n",                                       # 3 blank: not a record
        {"id": "b", "body": GREEK},                 # 4 missing field
        {"id": "c", "text": ENGLISH},               # 5
        {"text": GREEK},                            # 6 no id: line-6
        {"id": "a", "text": GREEK[:80]},            # 7 duplicate id: a#2
        ["a", "list"],                              # 8
        {"id": 9, "text": 42},                      # 9 numeric id, text not a string
        "  \n",                                     # 10 blank
    ])
    out = tmp_path / "out.jsonl"
    code, err = run_batch(str(source), "-o", str(out))

    assert code == 1
    records = read_out(out)
    assert [r["source"] for r in records] == [f"in.jsonl:{n}" for n in (1, 2, 4, 5, 6, 7, 8, 9)]
    by_id = {r["id"]: r for r in records}
    assert list(by_id) == ["a", "line-2", "b", "c", "line-6", "a#2", "line-8", "9"]
    assert "not valid JSON" in by_id["line-2"]["error"]
    assert "no 'text' field" in by_id["b"]["error"]
    assert "Greek" in by_id["c"]["error"]
    assert "not a JSON object" in by_id["line-8"]["error"]
    assert "not a string" in by_id["9"]["error"]
    for key in ("a", "line-6", "a#2"):
        assert by_id[key]["result"]["sentences"][0]["en"].strip()
    assert "3 done, 5 failed" in err


def test_csv_input_digest_mode(run_batch, tmp_path: Path) -> None:
    source = tmp_path / "news.csv"
    with source.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["id", "title", "body"])
        writer.writerow(["s1", "Σεισμός", SAMPLES[0].read_text(encoding="utf-8")])  # spans lines
        writer.writerow(["s2", "Κενό", ""])
        writer.writerow(["s3"])  # too short
        writer.writerow([])  # blank: not a record
        writer.writerow(["s4", "Αγγλικά", ENGLISH])
        writer.writerow(["", "Χωρίς id", GREEK])
    with source.open("ab") as handle:
        handle.write(b"s5,bad," + GREEK.replace("\n\n", " ").encode("iso-8859-7") + b"\r\n")
    out = tmp_path / "digest.jsonl"

    code, err = run_batch(str(source), "-o", str(out), "--field", "body", "--mode", "digest",
                          "--bullets", "2")

    assert code == 1
    by_id = {r["id"]: r for r in read_out(out)}
    # The row without an id is the 5th record (the blank line is none), whatever line it starts on.
    assert set(by_id) == {"s1", "s2", "s3", "s4", "s5", "row-5"}
    assert by_id["row-5"]["source"] != "news.csv:6"  # s1's article spans lines: not the line number
    assert f"batch: failed: s2, s3, s4, s5 (their error lines are in {out})" in err
    assert "empty" in by_id["s2"]["error"]
    assert "too short" in by_id["s3"]["error"]
    assert "Greek" in by_id["s4"]["error"]
    assert "UTF-8" in by_id["s5"]["error"]
    for key in ("s1", "row-5"):
        record = by_id[key]
        assert record["mode"] == "digest"
        digest = Digest.from_dict(record["result"])  # the same dict as the service's Digest
        assert len(digest.bullets) == 2
        for bullet in digest.bullets:
            assert bullet.el == digest.sentences[bullet.sources[0]]
            assert isinstance(bullet.en, str) and bullet.en.strip()


def test_stdin_jsonl(run_batch, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    lines = [json.dumps({"id": "x", "text": GREEK}), "oops", json.dumps({"id": "y", "text": GREEK})]
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO("\n".join(lines).encode())))
    out = tmp_path / "out.jsonl"
    code, _ = run_batch("-", "-o", str(out))
    assert code == 1
    assert [(r["id"], r["source"], "result" in r) for r in read_out(out)] == [
        ("x", "stdin:1", True), ("line-2", "stdin:2", False), ("y", "stdin:3", True)
    ]


def test_resume_skips_done_and_repairs_a_partial_line(run_batch, tmp_path: Path) -> None:
    source = write_jsonl(tmp_path / "in.jsonl", [{"id": f"d{i}", "text": GREEK} for i in range(5)])
    out = tmp_path / "out.jsonl"
    assert run_batch(str(source), "-o", str(out), "--group-size", "2")[0] == 0
    lines = out.read_bytes().split(b"\n")[:-1]
    assert len(lines) == 5

    # As if killed mid-write: two whole lines, then half of the third.
    out.write_bytes(lines[0] + b"\n" + lines[1] + b"\n" + lines[2][: len(lines[2]) // 2])
    code, err = run_batch(str(source), "-o", str(out))
    assert code == 0
    assert "cut off a half-written last line" in err
    assert "3 done, 0 failed, 2 skipped" in err
    records = read_out(out)
    assert [r["id"] for r in records] == [f"d{i}" for i in range(5)]
    assert out.read_bytes().startswith(lines[0] + b"\n" + lines[1] + b"\n")  # kept, not redone

    # Nothing left to do: OUT is untouched.
    before = out.read_bytes()
    code, err = run_batch(str(source), "-o", str(out))
    assert (code, out.read_bytes()) == (0, before)
    assert "0 done, 0 failed, 5 skipped" in err


def test_errors_are_final_unless_retried(run_batch, tmp_path: Path) -> None:
    source = write_jsonl(tmp_path / "in.jsonl", [{"id": "short", "text": GREEK[:100]},
                                                 {"id": "long", "text": GREEK}])
    out = tmp_path / "out.jsonl"
    assert run_batch(str(source), "-o", str(out), "--max-chars", "120")[0] == 1
    assert "too long" in read_out(out)[1]["error"]
    before = out.read_bytes()
    code, err = run_batch(str(source), "-o", str(out))  # errors count as done: still 1, no change
    assert (code, out.read_bytes()) == (1, before)
    assert "2 skipped" in err and "1 with errors" in err

    code, err = run_batch(str(source), "-o", str(out), "--retry-errors")
    assert code == 0 and "retrying 1 records" in err
    records = read_out(out)
    assert [(r["id"], "result" in r) for r in records] == [("short", True), ("long", True)]


def test_without_translator(tmp_path: Path, isolated_env: Path, capsys: pytest.CaptureFixture[str]) -> None:
    source = write_jsonl(tmp_path / "in.jsonl", [{"id": "a", "text": GREEK}, {"id": "b", "text": ""}])
    out = tmp_path / "out.jsonl"
    # translate mode: one clear line and exit 3, not one error record per input
    assert batch.main([str(source), "-o", str(out), "--translator", str(tmp_path / "missing"), "-q"]) == 3
    assert error_line(capsys.readouterr().err).startswith("error: translate mode needs a translator")
    assert not out.exists()
    # digest mode: Greek bullets, en = null, and the warning
    assert batch.main([str(source), "-o", str(out), "--mode", "digest", "--translator", "none", "-q"]) == 1
    assert "warning: no English" in capsys.readouterr().err
    good, bad = read_out(out)
    assert good["result"]["bullets"] and all(b["en"] is None for b in good["result"]["bullets"])
    assert good["result"]["warnings"]
    assert "empty" in bad["error"]


def test_usage_errors_are_one_line(run_batch, tmp_path: Path) -> None:
    jsonl = write_jsonl(tmp_path / "in.jsonl", [{"id": "a", "text": GREEK}])
    (tmp_path / "plain.txt").write_text(GREEK, encoding="utf-8")
    (tmp_path / "t.csv").write_text("id,body\n1,x\n", encoding="utf-8")
    out = tmp_path / "out.jsonl"
    cases = [
        ([str(tmp_path / "nope"), "-o", str(out)], "no such file"),
        ([str(tmp_path / "plain.txt"), "-o", str(out)], "INPUT must be"),
        ([str(tmp_path / "t.csv"), "-o", str(out)], "no 'text' column"),
        ([str(jsonl), "-o", str(out), "--out-dir", str(tmp_path / "o")], "--out-dir needs a directory"),
        ([str(jsonl), "-o", str(tmp_path / "no-dir" / "out.jsonl")], "cannot open"),
    ]
    for argv, needle in cases:
        code, err = run_batch(*argv)
        assert code == 2, (argv, err)
        assert needle in error_line(err)
    assert not out.exists()

    # A second job on the same OUT is refused while the first holds it.
    with out.open("ab") as held:
        fcntl.flock(held, fcntl.LOCK_EX)
        code, err = run_batch(str(jsonl), "-o", str(out))
    assert code == 2 and "in use by another batch job" in err
    # A digest rerun on a translate OUT would skip everything: refused.
    assert run_batch(str(jsonl), "-o", str(out))[0] == 0
    code, err = run_batch(str(jsonl), "-o", str(out), "--mode", "digest")
    assert code == 2 and "holds translate results" in err
    # A damaged line in the middle is not ours to cut: refuse, change nothing.
    out.write_bytes(b"garbage\n" + out.read_bytes())
    before = out.read_bytes()
    code, err = run_batch(str(jsonl), "-o", str(out))
    assert code == 2 and "line 1 is not a result record" in err and out.read_bytes() == before


def test_scan_results_cuts_only_a_damaged_tail() -> None:
    good = b'{"id": "a"}\n{"id": "b"}\n'
    assert scan_results(good, "out") == (len(good), [{"id": "a"}, {"id": "b"}])
    for tail in (b'{"id": "c"}', b'{"id": "c', b'{"id"\n', b"\x00\x00\x00", b"[1]\n"):
        assert scan_results(good + tail, "out")[0] == len(good), tail


class EchoModel(Seq2SeqModel):
    """A stand-in translator: 'EN<text>', one call counted per generate(); 'BOOM' breaks it."""

    def __init__(self) -> None:
        super().__init__()
        self.info = ModelInfo("echo", "-", "fake", "cpu", 64, 0.0)
        self.calls = 0

    def count_tokens(self, texts: Sequence[str]) -> list[int]:
        return [len(t.split()) for t in texts]

    def generate(self, texts: Sequence[str], **options) -> list[str]:
        self.calls += 1
        return super().generate(texts, **options)

    def _generate_batch(self, texts: list[str], max_new_tokens, num_beams, **options) -> list[str]:
        if any("BOOM" in t for t in texts):
            raise RuntimeError("boom\nwith a second line")
        return [f"EN{t}" for t in texts]


def test_translate_articles_one_generate_call_for_many_documents() -> None:
    model = EchoModel()
    articles = [parse_article(GREEK), parse_article(SAMPLES[0].read_text(encoding="utf-8")),
                parse_article("Μία μόνο πρόταση για το τέλος της ημέρας.")]
    translations = translate_articles(model, articles, batch_size=4)
    assert model.calls == 1
    for article, translation in zip(articles, translations, strict=True):
        assert translation.source_paragraphs == article.paragraphs
        assert translation.sentences == [(s, f"EN{s}") for s in article.sentence_texts]
        assert len(translation.paragraphs) == len(article.paragraphs)


def test_one_broken_document_fails_alone(monkeypatch: pytest.MonkeyPatch) -> None:
    model = EchoModel()
    monkeypatch.setattr("service.digest_service.load_seq2seq", lambda *args, **kwargs: model)
    service = DigestService(Settings(translator="echo"))
    texts = [GREEK, "Ένα δυνατό BOOM ακούστηκε σε όλη την πόλη σήμερα το πρωί.", GREEK]
    for mode in ("translate", "digest"):
        records = [Record(f"r{i}", "test", text=t) for i, t in enumerate(texts)]
        outcomes = batch.BatchJob(service, mode=mode).run_group(records)  # type: ignore[arg-type]
        what = "translation" if mode == "translate" else "digest"
        assert outcomes[1].error == f"{what} failed: RuntimeError: boom"
        assert outcomes[0].result is not None and outcomes[2].result is not None
        assert outcomes[0].error is None and outcomes[2].error is None


def test_sigkill_midway_then_resume(tiny_models: dict[str, Path], tmp_path: Path) -> None:
    """Kill -9 while OUT is part-written; the rerun ends with every id exactly once.

    The first run reads stdin, fed only 10 of the 30 records, so the kill surely lands part-way
    (after 2 to 10 records, possibly mid-write) however fast or slow the machine is.
    """
    lines = [json.dumps({"id": f"doc-{i:02d}", "text": f"{GREEK} Αριθμός {i}."}, ensure_ascii=False) + "\n"
             for i in range(30)]
    out = tmp_path / "out.jsonl"
    command = [sys.executable, str(ROOT / "scripts" / "batch_translate.py"), "-", "-o", str(out),
               "--translator", str(tiny_models["translator"]), "--group-size", "1",
               "--num-beams", "1", "--max-new-tokens", "4"]
    env = subprocess_env()  # one thread: on a busy 2-core machine torch's pool slows it 10-50x

    job = subprocess.Popen([*command, "-q"], cwd=tmp_path, env=env, stdin=subprocess.PIPE,
                           stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    assert job.stdin is not None and job.stderr is not None
    try:
        job.stdin.write("".join(lines[:10]).encode())
        job.stdin.flush()
        deadline = time.monotonic() + 240
        while time.monotonic() < deadline and job.poll() is None:
            if out.exists() and out.read_bytes().count(b"\n") >= 2:
                break
            time.sleep(0.005)
        assert job.poll() is None, job.stderr.read().decode()
        job.send_signal(signal.SIGKILL)
    finally:
        job.kill()
        job.wait()
        job.stdin.close()
        job.stderr.close()
    done_before = out.read_bytes().count(b"\n")
    assert 2 <= done_before <= 10

    rerun = subprocess.run(command, cwd=tmp_path, env=env, input="".join(lines).encode(),
                           capture_output=True, timeout=300)
    err = rerun.stderr.decode()
    assert rerun.returncode == 0, err
    assert "sentences/s" in err  # the progress bar and the summary
    assert f"{30 - done_before} done, 0 failed, {done_before} skipped" in err
    records = read_out(out)
    assert [r["id"] for r in records] == [f"doc-{i:02d}" for i in range(30)]
    assert all("result" in r for r in records)


def test_digest_with_a_summariser_goes_through_the_service(run_batch, tiny_models, tmp_path: Path) -> None:
    source = write_jsonl(tmp_path / "in.jsonl", [{"id": "a", "text": GREEK}])
    out = tmp_path / "out.jsonl"
    code, _ = run_batch(str(source), "-o", str(out), "--mode", "digest", "--bullets", "1",
                        "--summarizer", str(tiny_models["summarizer"]))
    assert code == 0
    result = read_out(out)[0]["result"]
    # DigestService.digest ran: abstractive key points, or its extractive fallback with a warning
    # (the batched extractive path names "extractive" and never warns).
    assert result["models"]["summarizer"] == str(tiny_models["summarizer"]) or result["warnings"]
    assert result["bullets"][0]["en"]


def test_digest_mode_takes_method_and_full_like_the_cli(run_batch, tiny_models, tmp_path: Path) -> None:
    source = write_jsonl(tmp_path / "in.jsonl", [{"id": "a", "text": GREEK}])
    out = tmp_path / "out.jsonl"
    code, _ = run_batch(str(source), "-o", str(out), "--mode", "digest", "--bullets", "1", "--full",
                        "--method", "extractive", "--summarizer", str(tiny_models["summarizer"]))
    assert code == 0
    result = read_out(out)[0]["result"]
    assert result["models"]["summarizer"] == "extractive" and not result["warnings"]  # forced
    assert result["translation"]  # the whole article, as with `python -m service digest --full`


def test_bad_model_setting_stops_before_any_record(run_batch, tmp_path: Path) -> None:
    source = write_jsonl(tmp_path / "in.jsonl", [{"id": "a", "text": GREEK}])
    out = tmp_path / "out.jsonl"
    code, err = run_batch(str(source), "-o", str(out), "--batch-size", "0")
    assert code == 2 and "batch_size must be at least 1" in err
    assert not out.exists() or out.read_text() == ""


def test_local_engine_moves_the_bar_within_a_group(tiny_models: dict[str, Path], isolated_env: Path) -> None:
    """Progress is told in documents while a group is translated, not only when it is done."""
    from service.batch_engines import LocalEngine

    settings = Settings(translator=str(tiny_models["translator"]), num_beams=1, max_new_tokens=4,
                        batch_size=2, convert=False,  # the shared tiny model stays unconverted
                        cache_size=0)  # no cache: it would answer the repeated documents' sentences at once
    job = batch.BatchJob(DigestService(settings))
    group = [Record(id=f"doc-{i}", source="test", text=GREEK) for i in range(3)]
    heard: list[float] = []
    (outcomes,) = list(LocalEngine(job).results(iter([group]), heard.append))
    assert [o.error for o in outcomes] == [None, None, None]
    # 12 sentences in batches of 2: the bar hears 0, then 6 steps up to the group's 3 documents
    assert heard == sorted(heard) and heard[0] == 0 and heard[-1] == 3
    assert sum(0 < documents < 3 for documents in heard) >= 2
