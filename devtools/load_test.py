"""Load test of the public API: many concurrent gradio_client clients against one server.

Every call must end as a correct result or a clear "busy" answer (queue full) — none lost,
none hung. Traffic goes to loopback only, and the run is bounded in calls and in time.
"""

from __future__ import annotations

import argparse
import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass, field
from pathlib import Path
from urllib.parse import urlparse

from service.text import parse_article

EXAMPLES = Path(__file__).resolve().parent.parent / "ui" / "examples"  # the sample articles
LOOPBACK_HOSTS = {"127.0.0.1", "localhost", "::1"}  # urlparse's hostname drops IPv6 brackets


@dataclass
class CallResult:
    endpoint: str
    outcome: str  # ok | busy | wrong | error | hung
    seconds: float
    detail: str = ""


@dataclass
class LoadReport:
    calls: int
    clients: int
    wall_seconds: float
    outcomes: dict[str, int]
    latency_ok: dict[str, float]  # p50/p95/max of successful calls, seconds
    throughput_ok: float  # successful calls per second
    problems: list[str] = field(default_factory=list)  # first few non-ok details

    @property
    def all_answered(self) -> bool:
        """Every call ended as a correct result or a clear busy answer."""
        return set(self.outcomes) <= {"ok", "busy"}


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def check_loopback(url: str) -> None:
    host = urlparse(url).hostname or ""
    if host not in LOOPBACK_HOSTS and not host.startswith("127."):
        raise SystemExit(f"error: load tests only target this machine (loopback), not {host!r}")


def _percentile(values: list[float], q: float) -> float:
    if not values:
        return 0.0
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def _check_summary(article: str, result: object) -> str:
    """'' when a /summarize result is correct, else what is wrong."""
    markdown, data = result  # type: ignore[misc]
    sentences = data["sentences"]
    if not data["bullets"]:
        return "no bullets"
    for bullet in data["bullets"]:
        if bullet["el"] not in sentences or not bullet["en"]:
            return f"bad bullet {bullet!r:.80}"
    if not markdown.startswith("#"):
        return "no markdown"
    return ""


def _check_translation(article: str, result: object) -> str:
    expected = len(parse_article(article).paragraphs)  # the service's own paragraph rule
    english = str(result[0] if isinstance(result, tuple | list) else result)  # (English, {model, timings})
    if not english.strip():
        return "empty translation"
    got = english.count("\n\n") + 1
    return f"paragraphs {got} != {expected}" if got != expected else ""


def run_load(
    url: str,
    articles: list[str],
    calls: int = 200,
    clients: int = 20,
    call_timeout: float = 120.0,
    max_seconds: float = 600.0,
    auth: tuple[str, str] | None = None,
) -> LoadReport:
    """Fire `calls` calls, alternating /summarize and /translate, from `clients` threads."""
    from gradio_client import Client

    check_loopback(url)
    local = threading.local()
    deadline = time.monotonic() + max_seconds

    def client() -> Client:
        if getattr(local, "client", None) is None:
            local.client = Client(url, auth=auth, verbose=False)
        return local.client

    def one_call(number: int) -> CallResult:
        article = articles[number % len(articles)]
        endpoint = "/summarize" if number % 2 == 0 else "/translate"
        if time.monotonic() > deadline:
            return CallResult(endpoint, "hung", 0.0, "not started: the run's time limit passed")
        started = time.perf_counter()
        try:
            args = (article, 3) if endpoint == "/summarize" else (article,)
            job = client().submit(*args, api_name=endpoint)
            result = job.result(timeout=call_timeout)
        except TimeoutError:
            return CallResult(endpoint, "hung", time.perf_counter() - started, "no answer in time")
        except Exception as exc:  # the client raises several types; classify by message
            message = f"{type(exc).__name__}: {exc}"
            outcome = "busy" if "queue is full" in message.lower() else "error"
            return CallResult(endpoint, outcome, time.perf_counter() - started, message[:200])
        seconds = time.perf_counter() - started
        check = _check_summary if endpoint == "/summarize" else _check_translation
        problem = check(article, result)
        return CallResult(endpoint, "wrong" if problem else "ok", seconds, problem)

    started = time.perf_counter()
    with ThreadPoolExecutor(max_workers=clients) as pool:
        results = list(pool.map(one_call, range(calls)))
    wall = time.perf_counter() - started
    ok_latencies = [r.seconds for r in results if r.outcome == "ok"]
    return LoadReport(
        calls=calls,
        clients=clients,
        wall_seconds=round(wall, 2),
        outcomes=dict(Counter(r.outcome for r in results)),
        latency_ok={
            "p50": round(statistics.median(ok_latencies), 3) if ok_latencies else 0.0,
            "p95": round(_percentile(ok_latencies, 0.95), 3),
            "max": round(max(ok_latencies, default=0.0), 3),
        },
        throughput_ok=round(len(ok_latencies) / wall, 2) if wall else 0.0,
        problems=[f"{r.endpoint} {r.outcome}: {r.detail}" for r in results if r.outcome != "ok"][:10],
    )


class LocalServer:
    """`python -m ui` in a subprocess on a free loopback port; stopped on exit."""

    def __init__(self, env: dict[str, str], port: int | None = None, startup_timeout: float = 180) -> None:
        self.port = port or free_port()
        self.url = f"http://127.0.0.1:{self.port}/"
        self._env = {**os.environ, "GRADIO_ANALYTICS_ENABLED": "False", **env}
        self._timeout = startup_timeout
        self._log = tempfile.TemporaryFile()  # noqa: SIM115 -- lives as long as the server
        self.process: subprocess.Popen | None = None

    def __enter__(self) -> LocalServer:
        self.process = subprocess.Popen(
            [sys.executable, "-m", "ui", "--host", "127.0.0.1", "--port", str(self.port)],
            env=self._env, stdout=self._log, stderr=subprocess.STDOUT,
        )
        deadline = time.monotonic() + self._timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"server exited early:\n{self.output()}")
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=1):
                    return self
            except OSError:
                time.sleep(0.5)
        self.__exit__()
        raise RuntimeError(f"server did not start in {self._timeout:.0f} s:\n{self.output()}")

    def alive(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def output(self) -> str:
        self._log.seek(0)
        return self._log.read().decode(errors="replace")[-4000:]

    def __exit__(self, *exc: object) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.process.kill()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python scripts/load_test.py",
        description="Concurrent /summarize and /translate calls against a local server.",
    )
    parser.add_argument("--url", help="an already running server on this machine; default: start one")
    parser.add_argument("--translator", help="translator for the started server (default: tiny model)")
    parser.add_argument("--calls", type=int, default=200)
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--queue-size", type=int, default=64, help="DIGEST_QUEUE_SIZE of the started server")
    parser.add_argument("--call-timeout", type=float, default=180.0)
    parser.add_argument("--max-seconds", type=float, default=900.0, help="stop starting calls after this")
    parser.add_argument("--json", action="store_true", help="print the report as JSON")
    args = parser.parse_args(argv)
    articles = [p.read_text(encoding="utf-8") for p in sorted(EXAMPLES.glob("*.txt"))]

    def report(url: str) -> LoadReport:
        return run_load(url, articles, args.calls, args.clients, args.call_timeout, args.max_seconds)

    died = False
    if args.url:
        result = report(args.url)
    else:
        with tempfile.TemporaryDirectory() as tmp:
            translator = args.translator
            if not translator:
                from devtools.tiny_models import build_tiny_marian

                translator = str(build_tiny_marian(Path(tmp) / "translator"))
            env = {"DIGEST_TRANSLATOR": translator, "DIGEST_QUEUE_SIZE": str(args.queue_size)}
            with LocalServer(env) as server:
                result = report(server.url)
                died = not server.alive()
                if died:
                    result.problems.append("the server died during the run")
    if args.json:
        print(json.dumps(asdict(result), indent=2))
    else:
        print(f"{result.calls} calls from {result.clients} clients in {result.wall_seconds} s")
        print(f"outcomes: {result.outcomes}")
        print(f"latency of successful calls (s): {result.latency_ok}")
        print(f"throughput: {result.throughput_ok} successful calls/s")
        for problem in result.problems:
            print(f"  {problem}")
    return 0 if result.all_answered and not died else 1
