"""A micro-batcher: concurrent requests with equal options merged into one model call.

Gradio serves each request on its own thread; merging the ones that arrive together gives the
model bigger, cheaper batches.
"""

from __future__ import annotations

import queue
import threading
import time
from collections.abc import Callable
from concurrent.futures import Future
from dataclasses import dataclass, field
from typing import Any

from models.ct2_options import freeze

DEFAULT_BATCH_WINDOW_S = 0.003


@dataclass
class _Request:
    tokens: list[list[str]]
    prefixes: list[list[str]] | None
    options: dict[str, Any]
    key: tuple
    future: Future = field(default_factory=Future)


class MicroBatcher:
    """Merges concurrent requests with equal options into one call of `run`.

    One worker thread owns the calls. It takes the first waiting request, then every request
    that arrives within `window_s` (or was already queued while the previous call ran), up to
    `max_examples`, runs each group of equal options once, and hands every caller its own slice.
    An idle service pays at most `window_s` of latency; a busy one gets bigger, cheaper batches.
    """

    def __init__(
        self,
        run: Callable[[list[list[str]], list[list[str]] | None, dict[str, Any]], list[list[str]]],
        window_s: float = DEFAULT_BATCH_WINDOW_S,
        max_examples: int = 64,
    ) -> None:
        self._run = run
        self.window_s = window_s
        self.max_examples = max_examples
        self._queue: queue.SimpleQueue[_Request | None] = queue.SimpleQueue()
        self._thread: threading.Thread | None = None
        self._start_lock = threading.Lock()
        self.calls = 0  # runs made, for status views and tests
        self.requests = 0

    def submit(
        self, tokens: list[list[str]], prefixes: list[list[str]] | None, options: dict[str, Any]
    ) -> list[list[str]]:
        """Results for `tokens`, computed together with whatever else is waiting."""
        key = tuple(sorted((k, freeze(v)) for k, v in options.items()))
        request = _Request(tokens, prefixes, options, key)
        self._ensure_worker()
        self._queue.put(request)
        return request.future.result()

    def close(self) -> None:
        if self._thread is not None:
            self._queue.put(None)
            self._thread.join(timeout=5)
            self._thread = None

    def _ensure_worker(self) -> None:
        with self._start_lock:
            if self._thread is None or not self._thread.is_alive():
                self._thread = threading.Thread(target=self._work, name="ct2-batcher", daemon=True)
                self._thread.start()

    def _collect(self, first: _Request) -> tuple[list[_Request], bool]:
        pending, size = [first], len(first.tokens)
        deadline = time.monotonic() + self.window_s
        while size < self.max_examples:
            remaining = deadline - time.monotonic()
            try:
                item = self._queue.get(timeout=remaining) if remaining > 0 else self._queue.get_nowait()
            except queue.Empty:
                break
            if item is None:
                return pending, True
            pending.append(item)
            size += len(item.tokens)
        return pending, False

    def _work(self) -> None:
        while True:
            first = self._queue.get()
            if first is None:
                return
            pending, stop = self._collect(first)
            groups: dict[tuple, list[_Request]] = {}
            for request in pending:
                groups.setdefault(request.key, []).append(request)
            for group in groups.values():
                self._run_group(group)
            if stop:
                return

    def _run_group(self, group: list[_Request]) -> None:
        tokens = [t for r in group for t in r.tokens]
        prefixes = None
        if any(r.prefixes for r in group):
            prefixes = [p for r in group for p in (r.prefixes or [[] for _ in r.tokens])]
        try:
            results = self._run(tokens, prefixes, group[0].options)
        except BaseException as exc:  # every waiting caller gets the error; the worker lives on
            for request in group:
                request.future.set_exception(exc)
            return
        self.calls += 1
        self.requests += len(group)
        start = 0
        for request in group:
            request.future.set_result(results[start : start + len(request.tokens)])
            start += len(request.tokens)
