"""Where the batch job's groups of records are processed: in this process, or on a Dask cluster.

Both engines run the same per-group function (``BatchJob.run_group``) and hand the driver lists of
Outcomes; the driver alone writes OUT, so resuming, error lines, the progress bar and the summary
are the same whichever engine ran.

- ``local`` (default): one group after another in this process; OUT in input order.
- ``dask`` (service.dask_engine): groups run on a Dask cluster, ``--scheduler tcp://HOST:8786``
  (or $DIGEST_DASK_SCHEDULER) or a local cluster of ``--workers N`` processes on 127.0.0.1; OUT in
  the order groups finish.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Protocol

from service.config import Settings, with_overrides
from service.digest_service import DigestService
from service.errors import UnavailableError, UsageError

if TYPE_CHECKING:
    from service.batch_input import Record
    from service.batch_job import BatchJob, Outcome

ENGINES = ("local", "dask")


# Told how many documents of the group in flight are done, as a fraction (2.5 of 16).
GroupProgress = Callable[[float], None]


class Engine(Protocol):
    def results(
        self, groups: Iterator[list[Record]], progress: GroupProgress | None = None
    ) -> Iterator[list[Outcome]]:
        """The outcomes of each group (every record of it exactly once), as groups finish;
        `progress` hears of a group's documents before it finishes where the engine can tell."""
        ...


def translator_problem(service: DigestService) -> str | None:
    """Why the service has no translator (one line), or None when it has one. Loads it."""
    return None if service.translator is not None else service.translator_warning()


def require_translator(mode: str, problem: str | None) -> None:
    """Translate mode fails fast without a translator (rather than write one error per record)."""
    if problem is None:
        return
    if mode == "translate":
        raise UnavailableError(f"translate mode needs a translator: {problem}")
    print(f"warning: no English in the digests: {problem}", file=sys.stderr)


class LocalEngine:
    """Groups processed one after another in this process."""

    def __init__(self, job: BatchJob) -> None:
        self.job = job

    def results(
        self, groups: Iterator[list[Record]], progress: GroupProgress | None = None
    ) -> Iterator[list[Outcome]]:
        for group in groups:
            if progress is None:
                yield self.job.run_group(group)
                continue
            size = len(group)

            def sentences_done(done: int, total: int, size: int = size) -> None:
                progress(size * done / max(1, total))  # sentences translated → documents

            yield self.job.run_group(group, sentences_done)


def local_cluster_settings(settings: Settings, workers: int) -> Settings:
    """N worker processes on this machine share its CPUs: CTranslate2 threads split between them
    unless set (Dask already gives each worker process OMP_NUM_THREADS=1 for PyTorch)."""
    if settings.ct2_threads is not None:
        return settings
    from models.ct2_backend import default_threads

    return with_overrides(settings, {"ct2_threads": max(1, default_threads() // workers)})


@contextmanager
def start_engine(
    name: str, settings: Settings, make_job: Callable[[DigestService], BatchJob], mode: str, *,
    scheduler: str | None = None, workers: int | None = None,
) -> Iterator[Engine]:
    """The engine `name` with its models loaded (here, or on every worker), closed on exit."""
    if name == "local":
        if scheduler or workers:
            raise UsageError("--scheduler and --workers need --engine dask")
        job = make_job(DigestService(settings))
        require_translator(mode, translator_problem(job.service))
        yield LocalEngine(job)
        return
    if scheduler and workers:
        raise UsageError("give --scheduler (an existing cluster) or --workers (a local one), not both")
    if workers is not None and workers < 1:
        raise UsageError("--workers must be at least 1")
    try:
        from service.dask_engine import DaskEngine, dask_client
    except ImportError:
        raise UsageError("--engine dask needs dask[distributed]: pip install 'greek-news-digest[cluster]'") \
            from None
    if not scheduler:
        from models.ct2_backend import default_threads

        workers = workers or default_threads()
        settings = local_cluster_settings(settings, workers)
    with dask_client(scheduler, workers) as client:
        yield DaskEngine(client, settings, make_job, mode)
