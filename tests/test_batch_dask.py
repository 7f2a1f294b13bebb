"""The batch job on a Dask cluster (--engine dask): a local cluster of 2 worker processes on
127.0.0.1, no dashboard. Same records and results as the local engine; a worker killed mid-job and
the driver killed mid-job both end with every id in OUT exactly once."""

from __future__ import annotations

import json
import logging
import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from service import batch
from tests.bad_inputs import ARTICLE, GREEK_SENTENCE
from tests.conftest import ROOT
from tests.test_batch import read_out

distributed = pytest.importorskip("distributed")
FAST = ["--num-beams", "1", "--max-new-tokens", "6", "--quiet"]


@pytest.fixture(scope="module")
def cluster() -> Iterator[distributed.Client]:
    """Two worker processes, one thread each, loopback only (shared by this file's tests)."""
    with distributed.LocalCluster(n_workers=2, processes=True, threads_per_worker=1, host="127.0.0.1",
                                  dashboard_address=None, silence_logs=logging.ERROR) as local, \
            distributed.Client(local) as client:
        yield client


def write_news(path: Path, count: int) -> list[str]:
    """`count` records, every 7th not Greek (an error line by design); their ids."""
    ids = [f"n{i:03d}" for i in range(count)]
    with path.open("w", encoding="utf-8") as f:
        for i, record_id in enumerate(ids):
            text = (ARTICLE if i % 3 else GREEK_SENTENCE) if i % 7 else "not Greek at all, an error record"
            f.write(json.dumps({"id": record_id, "text": f"{text} Αριθμός {i}."}, ensure_ascii=False) + "\n")
    return ids


def out_by_id(path: Path) -> dict[str, dict]:
    """OUT by id (test_batch.read_out checks every line is complete JSON and every id is there once)."""
    return {r["id"]: r for r in read_out(path)}


def lines(path: Path) -> int:
    return path.read_bytes().count(b"\n") if path.exists() else 0


def dask_job(workdir: Path, tiny_models: dict[str, Path]) -> tuple[list[str], Path, list[str]]:
    """60 records in news.jsonl: their ids, OUT, and the batch arguments (dask, one record a group,
    so a job has many groups to interrupt)."""
    source, out = workdir / "news.jsonl", workdir / "out.jsonl"
    ids = write_news(source, 60)
    return ids, out, [str(source), "-o", str(out), "--engine", "dask", "--translator",
                      str(tiny_models["translator"]), "--group-size", "1", *FAST]


def without_timings(record: dict) -> dict:
    result = record.get("result")
    return {**record, "result": {**result, "timings": None}} if isinstance(result, dict) else record


@pytest.mark.parametrize("mode", ["translate", "digest"])
def test_same_records_and_results_as_the_local_engine(
    mode: str, cluster: distributed.Client, tiny_models: dict[str, Path], isolated_env: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    source = isolated_env / "news.jsonl"
    ids = write_news(source, 15)
    common = [str(source), "--mode", mode, "--translator", str(tiny_models["translator"]),
              "--group-size", "2", *FAST]
    assert batch.main([*common, "-o", str(isolated_env / "local.jsonl")]) == 1  # 1: error records
    # The scheduler from $DIGEST_DASK_SCHEDULER (as on a real cluster's driver).
    monkeypatch.setenv("DIGEST_DASK_SCHEDULER", cluster.scheduler.address)
    assert batch.main([*common, "-o", str(isolated_env / "dask.jsonl"), "--engine", "dask"]) == 1

    local, dask = out_by_id(isolated_env / "local.jsonl"), out_by_id(isolated_env / "dask.jsonl")
    assert sorted(dask) == ids
    assert {k: without_timings(r) for k, r in dask.items()} == {
        k: without_timings(r) for k, r in local.items()}
    assert sum("error" in r for r in dask.values()) == 3  # n000, n007, n014


def test_engine_flags_that_do_not_fit_are_usage_errors(
    tiny_models: dict[str, Path], isolated_env: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source = isolated_env / "news.jsonl"
    write_news(source, 2)
    out = isolated_env / "out.jsonl"
    base = [str(source), "-o", str(out), "--translator", str(tiny_models["translator"])]
    assert batch.main([*base, "--workers", "2"]) == 2
    assert "need --engine dask" in capsys.readouterr().err
    assert batch.main([*base, "--engine", "dask", "--workers", "2", "--scheduler", "tcp://127.0.0.1:1"]) == 2
    assert "not both" in capsys.readouterr().err
    assert not out.exists()


def test_translate_mode_stops_when_the_workers_have_no_translator(
    cluster: distributed.Client, isolated_env: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source, out = isolated_env / "news.jsonl", isolated_env / "out.jsonl"
    write_news(source, 2)
    code = batch.main([str(source), "-o", str(out), "--engine", "dask", "--scheduler",
                       cluster.scheduler.address, "--translator", str(isolated_env / "no-such-model"), *FAST])
    assert code == 3
    assert "translate mode needs a translator" in capsys.readouterr().err
    assert not out.exists()


def test_a_group_that_keeps_failing_is_split_so_only_its_culprit_fails() -> None:
    from service.batch_input import Record
    from service.dask_engine import DaskEngine

    resubmitted: list[list[Record]] = []
    records = [Record("a", "x:1", "text"), Record("b", "x:2", "text")]
    assert list(DaskEngine._failed(records, RuntimeError("worker died"), resubmitted.append)) == []
    assert resubmitted == [[records[0]], [records[1]]]  # each record alone, run again
    (outcomes,) = DaskEngine._failed([records[0]], RuntimeError("killed\nthree times"), resubmitted.append)
    assert [(o.record.id, o.error) for o in outcomes] == [("a", "worker failed: RuntimeError: killed")]


@pytest.mark.slow
def test_a_worker_killed_mid_job_loses_and_duplicates_nothing(
    cluster: distributed.Client, tiny_models: dict[str, Path], isolated_env: Path
) -> None:
    ids, out, args = dask_job(isolated_env, tiny_models)
    argv = [*args, "--scheduler", cluster.scheduler.address]
    status: list[int] = []
    driver = threading.Thread(target=lambda: status.append(batch.main(argv)))
    driver.start()
    deadline = time.monotonic() + 120
    killed: str | None = None
    while killed is None and driver.is_alive() and time.monotonic() < deadline:
        busy = [addr for addr, keys in cluster.processing().items() if keys]
        if lines(out) >= 2 and busy:  # mid-job: some lines written, a worker holding groups
            pids = cluster.run(os.getpid)
            os.kill(pids[busy[0]], signal.SIGKILL)
            killed, written_at_kill = busy[0], lines(out)
        time.sleep(0.02)
    driver.join(timeout=300)

    assert killed is not None, "the job ended before a worker could be killed"
    assert written_at_kill < len(ids)
    assert status == [1]  # finished; 1 because of the error records by design
    records = out_by_id(out)
    assert sorted(records) == ids  # each id exactly once
    assert sorted(k for k, r in records.items() if "error" in r) == ids[::7]
    assert killed not in cluster.nthreads()  # the worker really died (the nanny started a new one)


@pytest.mark.slow
def test_the_driver_killed_mid_job_then_rerun_loses_and_duplicates_nothing(
    cluster: distributed.Client, tiny_models: dict[str, Path], isolated_env: Path
) -> None:
    import psutil

    ids, out, args = dask_job(isolated_env, tiny_models)
    command = [sys.executable, str(ROOT / "scripts" / "batch_translate.py"), *args]
    env = {**os.environ, "OMP_NUM_THREADS": "1"}
    # The killed run starts its own local cluster (--workers 2): its workers must go with it.
    job = subprocess.Popen([*command, "--workers", "2"], env=env, stdout=subprocess.DEVNULL,
                           stderr=subprocess.PIPE)
    deadline = time.monotonic() + 180
    while job.poll() is None and lines(out) < 3 and time.monotonic() < deadline:
        time.sleep(0.02)
    workers = psutil.Process(job.pid).children(recursive=True)
    job.send_signal(signal.SIGKILL)
    job.wait()
    written_at_kill = lines(out)
    assert 3 <= written_at_kill < len(ids), job.stderr.read().decode() if job.stderr else ""
    _, alive = psutil.wait_procs(workers, timeout=60)
    assert not alive, "worker processes outlived their killed driver"

    # The rerun, on the shared cluster, finishes the job.
    rerun = subprocess.run([*command, "--scheduler", cluster.scheduler.address], env=env,
                           capture_output=True, timeout=300)
    assert rerun.returncode == 1, rerun.stderr.decode()
    records = out_by_id(out)
    assert sorted(records) == ids  # each id exactly once
    assert f"{written_at_kill} skipped" in rerun.stderr.decode()
