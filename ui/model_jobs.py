"""One limit on model work for the whole server: the Gradio page and the plain HTTP routes share it.

Gradio's queue already bounds its own model jobs (concurrency_id "model"), but the JSON and
LibreTranslate routes do not go through that queue. So both sides take a slot of one ModelJobs
before they run a model: at most DIGEST_CONCURRENCY model jobs run at once, whoever sent them.

The plain routes wait for a slot in a bounded line: besides the DIGEST_CONCURRENCY requests that may
run, DIGEST_QUEUE_SIZE more may wait; a request beyond that is refused at once (HTTP 429) instead of
piling up threads. The page's jobs wait without such a bound, as Gradio's own queue bounds them.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any, TypeVar

import anyio
import anyio.to_thread

T = TypeVar("T")
# The DigestService calls that run models.
GUARDED_METHODS = ("digest", "digest_articles", "translate", "translate_articles", "briefing")


class ServerBusyError(RuntimeError):
    """Every model slot is taken and the line of waiting requests is full: try again shortly."""


class ModelJobs:
    def __init__(self, concurrency: int, queue_size: int) -> None:
        self.concurrency = concurrency
        self.queue_size = queue_size
        self._slots = threading.BoundedSemaphore(concurrency)
        self._admitted = 0  # plain-route requests running or waiting for a slot
        self._lock = threading.Lock()
        self._threads: anyio.CapacityLimiter | None = None  # made in the event loop, on first use

    @property
    def admitted(self) -> int:
        """Plain-route requests running or waiting for a slot now."""
        with self._lock:
            return self._admitted

    @contextmanager
    def slot(self) -> Iterator[None]:
        """Hold one model slot for the duration (blocks until one is free)."""
        with self._slots:
            yield

    async def run(self, fn: Callable[..., T], *args: Any, **kwargs: Any) -> T:
        """`fn(*args, **kwargs)` in a worker thread, holding a slot; ServerBusyError when the line is full.

        The worker threads come from a pool of their own, so waiting requests never take the
        threads Gradio and Starlette need for everything else.
        """
        with self._lock:
            if self._admitted >= self.concurrency + self.queue_size:
                raise ServerBusyError(
                    f"The server is busy ({self.concurrency} running, {self.queue_size} waiting): "
                    "try again in a few seconds."
                )
            self._admitted += 1
        try:
            if self._threads is None:
                self._threads = anyio.CapacityLimiter(self.concurrency + self.queue_size)

            def job() -> T:
                with self.slot():
                    return fn(*args, **kwargs)

            # A client that hangs up does not stop the job: it finishes and frees its slot itself.
            return await anyio.to_thread.run_sync(job, limiter=self._threads)
        finally:
            with self._lock:
                self._admitted -= 1

    def guard(self, service: Any) -> GuardedService:
        """The service as the page sees it: each model call takes a slot first."""
        return GuardedService(service, self)


class GuardedService:
    """A DigestService whose model calls (GUARDED_METHODS) hold a ModelJobs slot; the rest passes through."""

    def __init__(self, service: Any, jobs: ModelJobs) -> None:
        self._service = service
        self._jobs = jobs

    def __getattr__(self, name: str) -> Any:
        attribute = getattr(self._service, name)  # looked up per call: tests may patch the service
        if name not in GUARDED_METHODS:
            return attribute

        def guarded(*args: Any, **kwargs: Any) -> Any:
            with self._jobs.slot():
                return attribute(*args, **kwargs)

        return guarded
