"""Benchmark: the batch job on a separately started Dask cluster, 1 vs 2 workers, and the writer.

    python scripts/bench_cluster.py                  # JSON on stdout, progress on stderr
    python scripts/bench_cluster.py --docs 24 --arch tiny   # a quick smoke run of the script

Everything listens on 127.0.0.1 only: `dask scheduler --port P` and `dask worker tcp://127.0.0.1:P
--nthreads 1` are started as subprocesses, each with `--host 127.0.0.1 --no-dashboard
--dashboard-address 127.0.0.1:0` (the HTTP server for health and metrics runs even with
--no-dashboard, on every interface unless given an address). The same batch command
(``--engine dask --scheduler tcp://127.0.0.1:P``) runs with one worker, then again (new OUT) after a
second worker joined; docs/s is the job's own summary figure (measured after the models are loaded,
so start-up is not in it). The translator is the random-weight
stand-in of scripts/bench.py (opus-mt-grk-en shape, CTranslate2 int8, one thread per worker), with
output lengths capped by --max-new-tokens; the inputs are ui/examples articles, repeated.

Then the single writer: records/s that service.batch_log.ResultLog.append sustains on this disk
(each append is written and fsync'ed), one record per append and 16 per append (one group).
The ratio of the two job runs is the figure to read; absolute numbers depend on the machine's load.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

RATE = re.compile(r"\(([\d.]+) docs/s, ([\d.]+) sentences/s\)")


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def dask_command(*args: str) -> list[str]:
    """`dask ...` of this interpreter's environment."""
    return [str(Path(sys.executable).with_name("dask")), *args]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def bench_models(arch: str, workdir: Path) -> Path:
    """The CTranslate2 stand-in built (and cached) by scripts/bench.py."""
    spec = importlib.util.spec_from_file_location("bench", ROOT / "scripts" / "bench.py")
    assert spec is not None and spec.loader is not None
    bench = sys.modules["bench"] = importlib.util.module_from_spec(spec)  # dataclasses look it up
    spec.loader.exec_module(bench)
    _, ct2_dir, _, _ = bench.prepare_models(arch, workdir, False, log)
    return ct2_dir


def write_input(path: Path, docs: int) -> None:
    texts = [p.read_text(encoding="utf-8") for p in sorted((ROOT / "ui" / "examples").glob("el-news-*.txt"))]
    with path.open("w", encoding="utf-8") as f:
        for i in range(docs):
            f.write(json.dumps({"id": f"doc-{i}", "text": texts[i % len(texts)]}, ensure_ascii=False) + "\n")


def wait_for_workers(address: str, count: int, timeout: float = 180) -> None:
    from distributed import Client

    with Client(address, timeout="30s") as client:
        client.wait_for_workers(count, timeout=timeout)


def run_job(source: Path, out: Path, address: str, model: Path, args: argparse.Namespace,
            env: dict[str, str]) -> dict[str, float]:
    command = [sys.executable, str(ROOT / "scripts" / "batch_translate.py"), str(source), "-o", str(out),
               "--engine", "dask", "--scheduler", address, "--translator", str(model), "--backend", "ct2",
               "--group-size", str(args.group_size), "--num-beams", "1",
               "--max-new-tokens", str(args.max_new_tokens), "--quiet"]
    started = time.perf_counter()
    done = subprocess.run(command, env=env, capture_output=True, text=True, timeout=1800)
    wall = time.perf_counter() - started
    match = RATE.search(done.stderr)
    if done.returncode != 0 or match is None:
        raise SystemExit(f"batch job failed ({done.returncode}):\n{done.stderr}")
    return {"docs_per_s": float(match[1]), "sentences_per_s": float(match[2]), "wall_s": round(wall, 2)}


def sample_record() -> dict[str, Any]:
    """An OUT line the size of a real translate-mode one: the first example article, its sentences,
    and an English text as long as the Greek."""
    from service.text import parse_article

    text = sorted((ROOT / "ui" / "examples").glob("el-news-*.txt"))[0].read_text(encoding="utf-8")
    article = parse_article(text)
    english = [("e" * len(s.text)) for s in article.sentences]
    result = {"source_paragraphs": text.split("\n\n"), "paragraphs": [" ".join(english)],
              "sentences": [{"el": s.text, "en": e} for s, e in zip(article.sentences, english, strict=True)],
              "text": " ".join(english)}
    return {"id": "doc-0", "source": "news.jsonl:1", "mode": "translate", "result": result}


def writer_rate(workdir: Path, group: int, seconds: float = 3.0) -> float:
    """Records/s ResultLog.append sustains, `group` records per append (one fsync each)."""
    from service.batch_log import ResultLog

    record = sample_record()
    out = ResultLog(workdir / f"writer-{group}.jsonl").open()
    written, started = 0, time.perf_counter()
    try:
        while time.perf_counter() - started < seconds:
            out.append([{**record, "id": f"doc-{written + i}"} for i in range(group)])
            written += group
    finally:
        out.close()
    return written / (time.perf_counter() - started)


def writer_report(workdir: Path) -> dict[str, Any]:
    record_bytes = len(json.dumps(sample_record(), ensure_ascii=False).encode()) + 1
    report: dict[str, Any] = {"record_bytes": record_bytes}
    for group in (1, 16):
        rate = writer_rate(workdir, group)
        report[f"records_per_s_{group}_per_append"] = round(rate, 1)
        report[f"mb_per_s_{group}_per_append"] = round(rate * record_bytes / 1e6, 2)
    return report


def main(argv: list[str] | None = None) -> int:
    workdir = Path(tempfile.mkdtemp(prefix="bench-cluster-"))
    try:
        return run(argv, workdir)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


def run(argv: list[str] | None, workdir: Path) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--docs", type=int, default=48, help="articles per run (default 48)")
    parser.add_argument("--arch", default="base", choices=["tiny", "base"],
                        help="stand-in translator shape (scripts/bench.py; default base = opus-mt-grk-en)")
    parser.add_argument("--group-size", type=int, default=4)
    parser.add_argument("--max-new-tokens", type=int, default=24)
    parser.add_argument("--writer-only", action="store_true", help="measure only the writer")
    args = parser.parse_args(argv)
    if args.writer_only:
        print(json.dumps({"writer": writer_report(workdir)}, indent=2))
        return 0
    model = bench_models(args.arch, ROOT / "build" / "bench")
    source = workdir / "news.jsonl"
    write_input(source, args.docs)
    env = {**os.environ, "PYTHONPATH": str(ROOT), "DIGEST_CT2_THREADS": "1", "OMP_NUM_THREADS": "1"}
    port = free_port()
    address = f"tcp://127.0.0.1:{port}"
    # --dashboard-address too: without it the scheduler's and workers' HTTP servers (health, metrics)
    # listen on every interface even with --no-dashboard.
    loopback_only = ["--host", "127.0.0.1", "--no-dashboard", "--dashboard-address", "127.0.0.1:0"]
    worker = dask_command("worker", address, "--nthreads", "1", *loopback_only)
    processes: list[subprocess.Popen[bytes]] = []

    def start(command: list[str]) -> None:
        processes.append(subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL,
                                          stderr=subprocess.DEVNULL))

    try:
        start(dask_command("scheduler", "--port", str(port), *loopback_only))
        start(worker)
        wait_for_workers(address, 1)
        log(f"1 worker: {args.docs} docs")
        one = run_job(source, workdir / "one.jsonl", address, model, args, env)
        start(worker)
        wait_for_workers(address, 2)
        log(f"2 workers: {args.docs} docs")
        two = run_job(source, workdir / "two.jsonl", address, model, args, env)
    finally:
        for process in reversed(processes):
            process.terminate()
        for process in processes:
            process.wait(timeout=60)
    log("writer")
    writer = writer_report(workdir)
    report: dict[str, Any] = {
        "cpus": len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count(),
        "load_average_1min": round(os.getloadavg()[0], 2),
        "translator": f"{args.arch} stand-in, CTranslate2 int8, 1 thread per worker",
        "docs": args.docs, "group_size": args.group_size, "max_new_tokens": args.max_new_tokens,
        "one_worker": one, "two_workers": two,
        "speedup_2_vs_1": round(two["docs_per_s"] / one["docs_per_s"], 2),
        "writer": writer,
    }
    print(json.dumps(report, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
