"""Issue 15 regressions, each through the interface where it was found: the command line and the
batch script as subprocesses, the service's and the server's memory read from /proc."""

from __future__ import annotations

import csv
import itertools
import json
import re
import subprocess
import sys
from pathlib import Path
from typing import IO

import numpy as np
import pytest

from service import batch, key_points
from tests.bad_inputs import ARTICLE, GREEK_SENTENCE, nested
from tests.conftest import ROOT, subprocess_env

BATCH_SCRIPT = str(ROOT / "scripts" / "batch_translate.py")
TINY_WORDS = "Ο " + "α" * 3000 + "."  # every sentence under 4 words: the numpy-index case
SHORT_SENTENCES = "Η βουλή ψήφισε. Ο λαός αντέδρασε. Τέλος εποχής. " * 10
MB = 1024 * 1024


def flood(chars: int = 19_990) -> str:
    """`chars` characters of distinct one-word sentences ("Αβγ. Αβδ. …"): thousands of them."""
    letters = "αβγδεζηθικλμνξοπρστυφχψω"
    words = ("".join(t).capitalize() + "." for t in itertools.product(letters, repeat=3))
    return " ".join(itertools.islice(words, chars // 5))


# `python -m service` / scripts/batch_translate.py, which only call main(), reporting the peak RSS
# of their own memory (VmHWM) last: os.wait4's ru_maxrss would count the pytest process too, whose
# pages a forked child inherits before exec.
MEASURED_MAIN = """
import importlib, re, sys
module, *argv = sys.argv[1:]
try:
    code = importlib.import_module(module).main(argv)
finally:
    peak = re.search(r"VmHWM:\\s+(\\d+)", open("/proc/self/status").read()).group(1)
    print(f"peak-rss-kb {peak}", file=sys.stderr)
sys.exit(code)
"""


def run_measured(module: str, argv: list[str], stdin: IO[bytes]) -> tuple[int, str, int]:
    """(exit status, stderr, peak RSS in bytes) of `module`.main(argv) in a child process."""
    result = subprocess.run([sys.executable, "-c", MEASURED_MAIN, module, *argv], stdin=stdin,
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=subprocess_env(), cwd=ROOT,
                            timeout=300)
    err, _, peak = result.stderr.decode().rpartition("peak-rss-kb ")
    return result.returncode, err, int(peak) * 1024


def zeros_on_stdin(size: int) -> subprocess.Popen:
    return subprocess.Popen(["head", "-c", str(size), "/dev/zero"], stdout=subprocess.PIPE)


def cli(*args: str, stdin: bytes | None = None, **env: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "service", *args], cwd=ROOT, input=stdin,
                          env=subprocess_env(DIGEST_TRANSLATOR="none", **env), capture_output=True,
                          timeout=300)


# -- 1. numpy indices in `sources` -------------------------------------------------------------
@pytest.mark.parametrize("text", [TINY_WORDS, SHORT_SENTENCES, flood(3000)])
def test_cli_digest_json_of_tiny_sentences(tmp_path: Path, text: str) -> None:
    article = tmp_path / "tiny.txt"
    article.write_text(text, encoding="utf-8")
    result = cli("digest", str(article), "--format", "json")
    assert result.returncode == 0 and "Traceback" not in result.stderr.decode(), result.stderr.decode()
    digest = json.loads(result.stdout)
    assert digest["bullets"]
    assert all(type(i) is int for b in digest["bullets"] for i in b["sources"])


def read_jsonl(path: Path) -> dict[str, dict]:
    records = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]
    by_id = {r["id"]: r for r in records}
    assert len(by_id) == len(records), "duplicate ids in OUT"
    return by_id


def test_batch_digest_of_tiny_sentences_runs_and_reruns(tmp_path: Path) -> None:
    source = tmp_path / "news.jsonl"
    texts = {"good-1": ARTICLE, "tiny": TINY_WORDS, "short": SHORT_SENTENCES, "good-2": GREEK_SENTENCE}
    source.write_text("".join(json.dumps({"id": k, "text": v}, ensure_ascii=False) + "\n"
                              for k, v in texts.items()), encoding="utf-8")
    out = tmp_path / "out.jsonl"
    command = [sys.executable, BATCH_SCRIPT, str(source), "-o", str(out), "--mode", "digest",
               "--translator", "none", "--group-size", "4", "-q"]
    first = subprocess.run(command, env=subprocess_env(), capture_output=True, timeout=300)
    assert first.returncode == 0, first.stderr.decode()
    records = read_jsonl(out)
    assert sorted(records) == sorted(texts)
    assert all("result" in r for r in records.values()), records
    again = subprocess.run(command, env=subprocess_env(), capture_output=True, timeout=300)
    assert again.returncode == 0 and "4 skipped" in again.stderr.decode(), again.stderr.decode()
    assert read_jsonl(out) == records


def test_any_failure_of_one_record_is_its_error_line(
    tiny_models: dict[str, Path], isolated_env: Path, monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """A record whose digest raises, and one whose result cannot be written as JSON, become error
    lines; the good records of the same group keep their results; reruns neither crash nor redo."""
    real = key_points.extractive_plan

    def sabotaged(article, count: int, warnings: list[str]):
        if "Δηλητήριο" in article.text:
            raise RuntimeError("boom")
        plan = real(article, count, warnings)
        if "Αριθμοί" in article.text:  # the old bug: numpy integers in the sources
            for point in plan.points:
                point.sources = [np.int64(i) for i in point.sources]
        return plan

    monkeypatch.setattr(key_points, "extractive_plan", sabotaged)
    source = isolated_env / "news.jsonl"
    texts = {"a": ARTICLE, "poison": "Δηλητήριο. " + ARTICLE, "b": GREEK_SENTENCE,
             "numpy": "Αριθμοί. " + ARTICLE, "c": ARTICLE.replace("Παρίσι", "Βερολίνο")}
    source.write_text("".join(json.dumps({"id": k, "text": v}, ensure_ascii=False) + "\n"
                              for k, v in texts.items()), encoding="utf-8")
    out = isolated_env / "out.jsonl"
    argv = [str(source), "-o", str(out), "--mode", "digest", "--group-size", "5", "-q",
            "--translator", str(tiny_models["translator"]), "--num-beams", "1", "--max-new-tokens", "6"]
    assert batch.main(argv) == 1
    records = read_jsonl(out)
    assert sorted(records) == sorted(texts)
    assert records["poison"]["error"] == "digest failed: RuntimeError: boom"
    assert records["numpy"]["error"].startswith("writing the result failed: TypeError")
    for key in ("a", "b", "c"):
        assert records[key]["result"]["bullets"][0]["en"], records[key]
    assert batch.main(argv) == 1  # the rerun skips everything, and still says "some failed"
    assert "5 skipped" in capsys.readouterr().err
    assert read_jsonl(out) == records


# -- 2. an unclosed CSV quote swallowing rows ------------------------------------------------------
def run_batch_csv(tmp_path: Path, content: str) -> tuple[int, dict[str, dict]]:
    source = tmp_path / "news.csv"
    source.write_text(content, encoding="utf-8")
    out = tmp_path / "out.jsonl"
    result = subprocess.run([sys.executable, BATCH_SCRIPT, str(source), "-o", str(out), "--mode", "digest",
                             "--translator", "none", "-q"], env=subprocess_env(), capture_output=True,
                            timeout=300)
    assert "Traceback" not in result.stderr.decode(), result.stderr.decode()
    return result.returncode, read_jsonl(out)


@pytest.mark.parametrize("quoted_after", [True, False], ids=["later rows quoted", "later rows bare"])
def test_csv_unclosed_quote_reports_every_swallowed_row(tmp_path: Path, quoted_after: bool) -> None:
    q = '"' if quoted_after else ""
    content = (
        f'id,text\n1,"{GREEK_SENTENCE}"\n'
        '2,"Η συνάντηση διήρκεσε δύο ώρες στο προεδρικό μέγαρο.\n'  # the quote never closes
        f"3,{q}Οι δύο ηγέτες θα ξανασυναντηθούν τον Μάρτιο στην Αθήνα.{q}\n"
        f"4,{q}Συζήτησαν για την ενέργεια και τη μετανάστευση στην Ευρώπη.{q}\n"
    )
    code, records = run_batch_csv(tmp_path, content)
    assert code == 1
    assert sorted(records) == ["1", "2", "3", "4"]  # no row silently merged away
    assert "result" in records["1"]
    assert "quote is not closed" in records["2"]["error"]
    for key in ("3", "4") if not quoted_after else ("3",):
        assert "swallowed by the unclosed quote on line 3" in records[key]["error"], records[key]


def test_csv_multiline_fields_and_datelines_are_not_flagged(tmp_path: Path) -> None:
    rows = [
        ["id", "text"],
        ["a", "ΑΘΗΝΑ, 5 Μαρτίου\n\n" + ARTICLE],
        ["b", 'Είπε «ναι», και "όχι".\n2024, χρονιά.\n' + GREEK_SENTENCE],
        ["c", GREEK_SENTENCE],
    ]
    buffer = (tmp_path / "text.csv").open("w", encoding="utf-8", newline="")
    with buffer:
        csv.writer(buffer).writerows(rows)
    code, records = run_batch_csv(tmp_path, (tmp_path / "text.csv").read_text(encoding="utf-8"))
    assert code == 0, records
    assert sorted(records) == ["a", "b", "c"]


# -- 3. key-point memory --------------------------------------------------------------------------
MEASURE_SERVICE = """
import json, re, sys
from service.config import Settings
from service.digest_service import DigestService
def status(key):
    return int(re.search(key + r":\\s+(\\d+)", open("/proc/self/status").read()).group(1)) * 1024
service = DigestService(Settings.from_env(translator=sys.argv[1], num_beams=1)).load()
service.digest(sys.argv[2])  # warm: every lazy import and first-call buffer
open("/proc/self/clear_refs", "w").write("5")  # reset the peak (VmHWM) to the current RSS
base = status("VmRSS")
digest = service.digest(sys.argv[3])
print(json.dumps({"base": base, "peak": status("VmHWM"), "sentences": len(digest.sentences)}))
"""


def test_service_memory_for_a_flood_of_tiny_sentences(tiny_models: dict[str, Path]) -> None:
    text = flood()
    assert len(text) <= 20_000
    result = subprocess.run(
        [sys.executable, "-c", MEASURE_SERVICE, str(tiny_models["translator"]), ARTICLE, text],
        env=subprocess_env(), capture_output=True, timeout=300, cwd=ROOT,
    )
    assert result.returncode == 0, result.stderr.decode()
    figures = json.loads(result.stdout.decode().splitlines()[-1])
    assert figures["sentences"] > 3000
    grew = figures["peak"] - figures["base"]
    print(f"peak RSS over the loaded service: +{grew / MB:.1f} MB for {figures['sentences']} sentences")
    assert grew < 150 * MB, figures


@pytest.mark.slow
def test_server_memory_for_two_floods(tiny_models: dict[str, Path]) -> None:
    """Two 20,000-character /summarize calls of ~4,000 one-word sentences: the server's peak RSS
    (VmHWM in /proc, reset after warm-up) stays within 150 MB of what it was."""
    from gradio_client import Client

    from devtools.load_test import LocalServer

    def status(pid: int, key: str) -> int:
        text = Path(f"/proc/{pid}/status").read_text()
        return int(re.search(key + r":\s+(\d+)", text).group(1)) * 1024

    env = {"DIGEST_TRANSLATOR": str(tiny_models["translator"]), "OMP_NUM_THREADS": "1"}
    with LocalServer(env) as server:
        assert server.process is not None
        pid = server.process.pid
        client = Client(server.url, verbose=False)
        client.predict(ARTICLE, 3, api_name="/summarize")  # warm
        Path(f"/proc/{pid}/clear_refs").write_text("5")
        base = status(pid, "VmRSS")
        for _ in range(2):
            _, digest = client.predict(flood(), 3, api_name="/summarize")
            assert len(digest["sentences"]) > 3000
        grew = status(pid, "VmHWM") - base
        assert server.alive(), server.output()
    print(f"server peak RSS over the loaded server: +{grew / MB:.1f} MB")
    assert grew < 150 * MB


# -- 6. huge input ----------------------------------------------------------------------------------
def test_cli_digest_of_dev_zero_stops_at_the_limit() -> None:
    result = cli("digest", "/dev/zero")
    err = result.stderr.decode()
    assert result.returncode == 2 and err.startswith("error: The input is too long") and err.count("\n") == 1


def test_cli_reads_at_most_the_limit_of_300_mb_on_stdin() -> None:
    source = zeros_on_stdin(300_000_000)
    assert source.stdout is not None
    code, err, peak = run_measured("service.cli", ["sentences", "-"], source.stdout)
    source.stdout.close()
    source.wait()
    assert code == 2 and "too long" in err and "Traceback" not in err, err
    assert peak < 100 * MB, f"peak RSS {peak / MB:.0f} MB"  # ~20 MB; reading it all took 300+


def test_batch_stdin_with_a_300_mb_line_errs_that_record_only(tmp_path: Path) -> None:
    writer = (
        "import json, sys\n"
        "out = sys.stdout.buffer\n"
        f"out.write(json.dumps({{'id': 'before', 'text': {GREEK_SENTENCE!r}}}).encode() + b'\\n')\n"
        "out.write(b'{\"id\": \"huge\", \"text\": \"')\n"
        "for _ in range(300):\n    out.write(b'a' * 1_000_000)\n"
        "out.write(b'\"}\\n')\n"
        f"out.write(json.dumps({{'id': 'after', 'text': {GREEK_SENTENCE!r}}}).encode() + b'\\n')\n"
    )
    source = subprocess.Popen([sys.executable, "-c", writer], stdout=subprocess.PIPE)
    assert source.stdout is not None
    out = tmp_path / "out.jsonl"
    argv = ["-", "-o", str(out), "--mode", "digest", "--translator", "none", "-q"]
    code, err, peak = run_measured("service.batch", argv, source.stdout)
    source.stdout.close()
    source.wait()
    small = tmp_path / "small.jsonl"
    small.write_text(json.dumps({"id": "x", "text": GREEK_SENTENCE}) + "\n", encoding="utf-8")
    with small.open("rb") as handle:
        small_argv = ["-", "-o", str(tmp_path / "small.out"), *argv[3:]]
        _, _, baseline = run_measured("service.batch", small_argv, handle)
    assert code == 1, err
    records = read_jsonl(out)
    assert list(records) == ["before", "huge", "after"]
    assert "too long" in records["huge"]["error"]
    assert "result" in records["before"] and "result" in records["after"]
    grew = peak - baseline
    assert grew < 100 * MB, f"peak RSS {grew / MB:.0f} MB over a one-record job: the line was read whole"


# -- 7. deep HTML -----------------------------------------------------------------------------------
@pytest.mark.parametrize("depth", [300, 3000])
def test_cli_sentences_of_deeply_nested_html(tmp_path: Path, depth: int) -> None:
    page = tmp_path / "page.html"
    page.write_text(nested("div", depth, f"<p>{GREEK_SENTENCE}</p><p>Η συνάντηση διήρκεσε δύο ώρες.</p>"),
                    encoding="utf-8")
    result = cli("sentences", str(page))
    assert result.returncode == 0, result.stderr.decode()
    assert result.stdout.decode().splitlines() == [GREEK_SENTENCE, "Η συνάντηση διήρκεσε δύο ώρες."]


# -- 8. sentence ends after abbreviations -------------------------------------------------------
def test_cli_sentences_split_after_units_and_acronyms() -> None:
    text = ("Η σήραγγα έχει μήκους 15 χλμ. Πλέον απομένουν λίγα. Η διαδρομή είναι 25,6 χλμ. Η μεγαλύτερη "
            "ανηφόρα είναι στο τέλος. Μίλησε ο γραμματέας του Κ.Κ.Ε. Στην ομιλία του ήταν ο κ. Μητσοτάκης.")
    result = cli("sentences", "-", stdin=text.encode())
    assert result.stdout.decode().splitlines() == [
        "Η σήραγγα έχει μήκους 15 χλμ.", "Πλέον απομένουν λίγα.", "Η διαδρομή είναι 25,6 χλμ.",
        "Η μεγαλύτερη ανηφόρα είναι στο τέλος.", "Μίλησε ο γραμματέας του Κ.Κ.Ε.",
        "Στην ομιλία του ήταν ο κ. Μητσοτάκης.",
    ]
