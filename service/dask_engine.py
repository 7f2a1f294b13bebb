"""The batch job on a Dask cluster: groups of records go to workers, Outcomes come back.

Each worker builds the job (a DigestService from the driver's Settings, models loaded) ONCE, in a
worker plugin, and runs the local engine's per-group function, ``BatchJob.run_group``. The driver
keeps two groups per worker thread in flight and takes results AS THEY COMPLETE (a slow group never
stalls the others), so OUT is not in input order; the driver alone writes OUT.

A group whose worker dies is run again by the scheduler (up to its ``allowed-failures``); a group
that raised is retried ``TASK_RETRIES`` times; a group that still fails is split into single
records, so only a culprit (say, an article that crashes the model) becomes an error line.
Paths in the Settings (model store, model directories) must be valid on every worker.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from distributed import Client, LocalCluster, as_completed, get_worker
from distributed.diagnostics.plugin import WorkerPlugin

from service.batch_engines import GroupProgress, require_translator, translator_problem
from service.batch_input import Record
from service.batch_job import BatchJob, Outcome
from service.config import Settings
from service.digest_service import DigestService
from service.errors import UnavailableError, UsageError

WORKER_WAIT_S = 60  # how long a job waits for the first worker of an existing cluster
TASK_RETRIES = 2  # re-runs of a group whose task raised (a dead worker's groups are re-run anyway)


class JobPlugin(WorkerPlugin):
    """Builds the job, models loaded, once per worker (and on any worker that joins later).

    Named by a digest of the settings and job options: a rerun of the same job (say after the driver
    was killed) finds it already there (``idempotent``) and reloads nothing; two different jobs on
    one cluster each get their own."""

    idempotent = True

    def __init__(self, settings: Settings, make_job: Callable[[DigestService], BatchJob]) -> None:
        self.settings, self.make_job = settings, make_job
        digest = hashlib.sha256(f"{settings!r}{make_job!r}".encode()).hexdigest()[:16]
        self.name = f"greek-digest-batch-{digest}"
        self.job: BatchJob | None = None

    def setup(self, worker: Any) -> None:
        # Synchronous on purpose: the worker runs no task of ours before its models are loaded.
        self.job = self.make_job(DigestService(self.settings).load())

    def teardown(self, worker: Any) -> None:
        self.job = None  # the models go with the last reference


def worker_job(name: str, dask_worker: Any = None) -> BatchJob:
    plugin = (dask_worker or get_worker()).plugins.get(name)
    job = getattr(plugin, "job", None)
    if job is None:  # raising lets the scheduler run the group again
        raise RuntimeError(f"worker plugin {name} is not set up on this worker")
    return job


def run_group_on_worker(name: str, records: list[Record]) -> list[Outcome]:
    """The task: the local engine's per-group function, with this worker's job."""
    return worker_job(name).run_group(records)


def worker_translator_problem(name: str, dask_worker: Any = None) -> str | None:
    return translator_problem(worker_job(name, dask_worker).service)


class DaskEngine:
    """Groups submitted to a cluster, a bounded number in flight, results as they complete."""

    def __init__(self, client: Client, settings: Settings, make_job: Callable[[DigestService], BatchJob],
                 mode: str) -> None:
        self.client = client
        self.address = client.scheduler.address
        try:
            client.wait_for_workers(1, timeout=WORKER_WAIT_S)
        except TimeoutError:
            raise UsageError(f"no Dask worker joined the scheduler at {self.address} within "
                             f"{WORKER_WAIT_S} s: start some with `dask worker {self.address} --host ...`") \
                from None
        self.plugin = JobPlugin(settings, make_job)
        client.register_plugin(self.plugin)  # every worker, and any that joins later, loads the models
        problems = sorted(p for p in client.run(worker_translator_problem, self.plugin.name).values() if p)
        require_translator(mode, problems[0] if problems else None)

    def _window(self) -> int:
        """Groups in flight: two per worker thread, so no worker waits for the driver."""
        return max(2, 2 * sum(self.client.nthreads().values()))

    def results(
        self, groups: Iterator[list[Record]], progress: GroupProgress | None = None
    ) -> Iterator[list[Outcome]]:
        """`progress` is not told: a group's progress stays on its worker (the bar moves per group)."""
        futures = as_completed()
        records_of: dict[Any, list[Record]] = {}

        def submit(records: list[Record]) -> None:
            future = self.client.submit(run_group_on_worker, self.plugin.name, records,
                                        pure=False, retries=TASK_RETRIES)
            records_of[future] = records
            futures.add(future)

        def top_up() -> None:
            window = self._window()
            while len(records_of) < window and (group := next(groups, None)) is not None:
                submit(group)

        top_up()
        for future in futures:
            records = records_of.pop(future)
            if future.status == "finished":
                yield future.result()
            elif future.status == "error":
                yield from self._failed(records, future.exception(), submit)
            else:  # cancelled or lost: the cluster went away; what is in OUT stays done
                raise UnavailableError(f"lost the Dask cluster at {self.address} ({future.status}): "
                                       "run the same command again to resume")
            future.release()
            top_up()

    @staticmethod
    def _failed(records: list[Record], exc: BaseException | None,
                submit: Callable[[list[Record]], None]) -> Iterator[list[Outcome]]:
        """A group that failed on every try: each record alone again, so only the culprit fails;
        a single record becomes an error line."""
        if len(records) > 1:
            for record in records:
                submit([record])
            return
        yield [Outcome(records[0], error=f"worker failed: {type(exc).__name__}: {exc}".splitlines()[0])]


@contextmanager
def dask_client(scheduler: str | None, workers: int | None) -> Iterator[Client]:
    """A client of the cluster at `scheduler`, or of a local cluster of `workers` processes on
    127.0.0.1 without a dashboard: nothing listens beyond loopback."""
    if scheduler:
        try:
            client = Client(scheduler, timeout="20s")
        except (OSError, TimeoutError) as exc:
            raise UsageError(f"cannot reach the Dask scheduler at {scheduler}: {exc}") from None
        with client:
            yield client
        return
    # silence_logs: only errors on stderr (not, say, "worker still alive after 4 s" at close).
    with LocalCluster(n_workers=workers, processes=True, threads_per_worker=1, host="127.0.0.1",
                      dashboard_address=None, silence_logs=logging.ERROR) as cluster, \
            Client(cluster) as client:
        yield client
