"""The batch job killed with SIGKILL at random moments, several times in a row, then finished:
every id ends up in OUT exactly once and every line parses."""

from __future__ import annotations

import json
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.bad_inputs import GREEK_SENTENCE
from tests.conftest import ROOT, subprocess_env

pytestmark = pytest.mark.slow


def test_repeated_random_sigkills_lose_and_duplicate_nothing(
    tiny_models: dict[str, Path], tmp_path: Path
) -> None:
    ids = [f"n{i:03d}" for i in range(60)]
    source = tmp_path / "news.jsonl"
    with source.open("w", encoding="utf-8") as f:
        for i, record_id in enumerate(ids):
            text = GREEK_SENTENCE if i % 7 else "not Greek at all, an error record"  # errors too
            f.write(json.dumps({"id": record_id, "text": f"{text} Αριθμός {i}."}, ensure_ascii=False) + "\n")
    out = tmp_path / "out.jsonl"
    command = [sys.executable, str(ROOT / "scripts" / "batch_translate.py"), str(source), "-o", str(out),
               "--translator", str(tiny_models["translator"]), "--group-size", "3",
               "--num-beams", "1", "--max-new-tokens", "6", "-q"]
    env = subprocess_env()

    rng = random.Random(7)
    progress: list[int] = []
    for _ in range(4):
        job = subprocess.Popen(command, cwd=tmp_path, env=env, stdout=subprocess.DEVNULL,
                               stderr=subprocess.DEVNULL)
        before = out.read_bytes().count(b"\n") if out.exists() else 0
        # Kill at a random moment once the job has written something new (or after a random
        # delay, which may land during start-up): mid-write kills are part of the draw.
        wait_for = rng.randint(1, 8)
        deadline = time.monotonic() + rng.uniform(3, 60)
        while time.monotonic() < deadline and job.poll() is None:
            if out.exists() and out.read_bytes().count(b"\n") >= before + wait_for:
                break
            time.sleep(rng.uniform(0.0, 0.02))
        job.send_signal(signal.SIGKILL)
        job.wait()
        progress.append(out.read_bytes().count(b"\n") if out.exists() else 0)

    final = subprocess.run(command, cwd=tmp_path, env=env, capture_output=True, timeout=600)
    assert final.returncode == 1, final.stderr.decode()  # 1: some records are errors by design
    lines = out.read_text(encoding="utf-8").splitlines()
    records = [json.loads(line) for line in lines]  # every line parses
    assert sorted(r["id"] for r in records) == ids  # each id exactly once
    for i, record in enumerate(sorted(records, key=lambda r: r["id"])):
        assert ("error" in record) == (i % 7 == 0), record
    assert progress == sorted(progress), progress  # kills never lost finished work
    assert progress[-1] < len(ids), progress  # the kills really landed part-way
    print("lines after each kill:", progress)
