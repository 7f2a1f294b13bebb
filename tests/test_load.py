"""A reduced load test in CI (the full one: scripts/load_test.py, numbers in docs/RELIABILITY.md)."""

from __future__ import annotations

from pathlib import Path

import pytest

from devtools.load_test import EXAMPLES, LocalServer, run_load

pytestmark = pytest.mark.slow
ARTICLES = [p.read_text(encoding="utf-8") for p in sorted(EXAMPLES.glob("*.txt"))]


def test_every_call_answered_correctly(tiny_models: dict[str, Path]) -> None:
    env = {"DIGEST_TRANSLATOR": str(tiny_models["translator"]), "DIGEST_QUEUE_SIZE": "64"}
    with LocalServer(env) as server:
        report = run_load(server.url, ARTICLES, calls=40, clients=20, call_timeout=240, max_seconds=400)
        assert server.alive(), server.output()
    assert report.outcomes == {"ok": 40}, report.problems
    assert report.latency_ok["p95"] >= report.latency_ok["p50"] > 0


def test_full_queue_answers_busy_and_server_recovers(tiny_models: dict[str, Path]) -> None:
    env = {
        "DIGEST_TRANSLATOR": str(tiny_models["translator"]),
        "DIGEST_QUEUE_SIZE": "2",
        "DIGEST_CONCURRENCY": "1",
    }
    with LocalServer(env) as server:
        report = run_load(server.url, ARTICLES, calls=30, clients=20, call_timeout=240, max_seconds=400)
        assert report.all_answered, report.problems  # ok or busy: nothing lost, nothing hung
        assert report.outcomes.get("busy", 0) > 0 and report.outcomes.get("ok", 0) > 0
        after = run_load(server.url, ARTICLES, calls=2, clients=1, call_timeout=240)
        assert after.outcomes == {"ok": 2}, after.problems
        assert server.alive(), server.output()


def test_translation_check_uses_the_services_paragraphs() -> None:
    from devtools.load_test import _check_translation

    lines = "Πρώτη γραμμή του άρθρου.\nΔεύτερη γραμμή του άρθρου.\nΤρίτη γραμμή."  # no blank lines
    assert _check_translation(lines, "One.\n\nTwo.\n\nThree.") == ""
    assert _check_translation(lines, "One. Two. Three.") == "paragraphs 1 != 3"
