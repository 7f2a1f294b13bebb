"""Batch job: many Greek articles → one JSONL file of translations or digests, resumable.

    greek-digest-batch INPUT --output OUT.jsonl [--mode translate|digest] [options]
    greek-digest-batch INPUT --output OUT.jsonl --mode briefing --group-field story [options]

INPUT is a directory of .txt/.md/.html files, a .jsonl file, a .csv file (header row), or '-'
(JSONL on stdin). OUT gets one line per input record, in input order:
``{"id", "source", "mode", "result"}``, or ``"error"`` (one line) instead of ``"result"``.

Resuming: every record is appended as a complete line and fsync'ed with its group, so a job
killed at any moment (even SIGKILL) can be started again with the same command: records already
in OUT are skipped, a half-written last line is cut off first. Rules chosen here:
- duplicate ids in the input get a deterministic suffix (``a``, ``a#2``, ``a#3``…);
- errors are final (they count as done) unless ``--retry-errors``, which drops them from OUT and
  tries those records again;
- blank JSONL lines are not records and are skipped;
- exit 0 when every record has a result, 1 when any has an error (this run or earlier), 2 for
  usage errors, 3 when translate mode has no translator, 130 when interrupted.

Briefing mode writes one line per story (records with the same --group-field value, consecutive) and
one error line per bad record instead: see service.batch_briefing for the record shapes.

Throughput: documents are processed in groups (``--group-size``); all sentences of a group go to
the model in ONE generate() call, length-sorted across documents, so batches stay full. Digest
mode batches the same way through DigestService.digest_articles: key points per document by the
service's own rules (extractive or abstractive), the English of all the group's bullets pooled.

Engines (service.batch_engines): ``--engine local`` (default) runs the groups in this process;
``--engine dask`` runs them on a Dask cluster (``--scheduler``, or ``--workers N`` local processes),
and OUT then gets each group's lines when the group finishes, not in input order.
"""

from __future__ import annotations

import argparse
import functools
import sys
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from service import (
    METHODS,
    InputError,
    add_model_flags,
    settings_from_args,
)
from service.batch_briefing import BriefingJob
from service.batch_engines import ENGINES, Engine, LocalEngine, start_engine
from service.batch_input import InputSource, Record, open_input, unique_ids
from service.batch_job import BatchJob, to_record, write_out_dir
from service.batch_log import ResultLog
from service.cache import TranslationCache
from service.config import AUTO, check_bullets, dask_scheduler
from service.digest_checks import lines_flagged
from service.errors import UsageError, run_command

MODES = ("translate", "digest", "briefing")
SHOWN_FAILURES = 5  # failed ids named in the summary
# The bar moves by fractions of a document while a group is translated: show whole ones.
BAR_FORMAT = "{l_bar}{bar}| {n:.0f}/{total_fmt} [{elapsed}<{remaining}{postfix}]"


# -- the job ------------------------------------------------------------------------------------
@dataclass
class JobCounts:
    done: int = 0  # results written this run
    failed: int = 0  # errors written this run
    skipped: int = 0  # already in OUT
    skipped_failed: int = 0  # of those, errors
    flagged: int = 0  # results written this run with a line the checks flagged
    failed_ids: list[str] = field(default_factory=list)  # the first few failed this run, to name them
    sentences: int = 0
    started: float = field(default_factory=time.perf_counter)

    def line(self, out: Path) -> str:
        seconds = max(time.perf_counter() - self.started, 1e-9)
        earlier = f" ({self.skipped_failed} with errors)" if self.skipped_failed else ""
        flagged = f"; {self.flagged} done with lines to check" if self.flagged else ""
        docs_rate = (self.done + self.failed) / seconds
        line = (
            f"batch: {self.done} done, {self.failed} failed, {self.skipped} skipped as already in "
            f"{out}{earlier}; {self.sentences} sentences in {seconds:.1f} s "
            f"({docs_rate:.2f} docs/s, {self.sentences / seconds:.1f} sentences/s){flagged}"
        )
        if self.failed_ids:
            more = self.failed - len(self.failed_ids)
            line += (f"\nbatch: failed: {', '.join(self.failed_ids)}{f' and {more} more' if more else ''}"
                     f" (their error lines are in {out})")
        return line


def _pending(records: Iterable[Record], log: ResultLog, counts: JobCounts, bar: Any) -> Iterator[Record]:
    for record in records:
        failed = log.done.get(record.id)
        if failed is None:
            yield record
            continue
        counts.skipped += 1
        counts.skipped_failed += failed
        bar.update(1)


def _groups(records: Iterator[Record], size: int) -> Iterator[list[Record]]:
    group: list[Record] = []
    for record in records:
        group.append(record)
        if len(group) >= size:
            yield group
            group = []
    if group:
        yield group


def run(args: argparse.Namespace) -> int:
    if args.group_size < 1:
        raise UsageError("--group-size must be at least 1")
    if args.bullets is not None:
        try:
            check_bullets(args.bullets)
        except InputError as exc:
            raise UsageError(f"--{exc}") from None
    briefing = args.mode == "briefing"
    if briefing != bool(args.group_field):
        raise UsageError("--mode briefing and --group-field FIELD go together "
                         "(the records of one story share FIELD)")
    try:
        settings = settings_from_args(
            args, num_beams=args.num_beams, batch_size=args.batch_size, max_new_tokens=args.max_new_tokens,
            cache_dir=args.cache,
        )
        if args.cache:  # a bad --cache DIR is a usage error now, not on every worker later
            TranslationCache(0, args.cache).close()
    except ValueError as exc:
        raise UsageError(str(exc)) from None
    source = open_input(
        args.input, args.field, args.id_field, settings.max_chars, group_field=args.group_field
    )
    if briefing and (source.is_directory or args.out_dir):
        raise UsageError("--mode briefing reads a JSONL or CSV INPUT (records with a group field) and "
                         "writes OUT only (no --out-dir)")
    if briefing and args.engine != "local":
        raise UsageError("--mode briefing runs in this process (--engine local): a story is one job")
    out_dir: Path | None = args.out_dir
    if out_dir is not None and not source.is_directory:
        raise UsageError("--out-dir needs a directory INPUT (it writes one file per input file)")

    make_job = functools.partial(BatchJob, mode=args.mode, bullets=args.bullets, method=args.method,
                                 full_translation=args.full)
    scheduler = (args.scheduler or dask_scheduler()) if args.engine == "dask" else args.scheduler
    # The models load here (local) or on every worker (dask), before OUT is opened.
    with start_engine(args.engine, settings, make_job, args.mode, scheduler=scheduler,
                      workers=args.workers) as engine:
        return _run_job(args, source, out_dir, engine)


def _run_job(args: argparse.Namespace, source: InputSource, out_dir: Path | None, engine: Engine) -> int:
    from tqdm import tqdm

    log = ResultLog(args.output).open()
    try:
        if log.repaired_bytes:
            print(f"batch: cut off a half-written last line ({log.repaired_bytes} bytes) of {args.output}",
                  file=sys.stderr)
        if log.modes - {args.mode}:
            raise UsageError(f"{args.output} holds {', '.join(sorted(log.modes))} results; "
                             f"use another --output for --mode {args.mode}")
        if args.retry_errors and (dropped := log.drop_errors()):
            print(f"batch: retrying {dropped} records that failed before", file=sys.stderr)
        if out_dir is not None:
            out_dir.mkdir(parents=True, exist_ok=True)

        counts = JobCounts()
        with tqdm(total=source.total, unit="doc", desc=args.mode, file=sys.stderr,
                  disable=args.quiet, dynamic_ncols=True, bar_format=BAR_FORMAT) as bar:
            moved = 0.0  # how far the bar went for the group in flight, in documents

            def group_progress(documents: float) -> None:
                nonlocal moved
                bar.update(documents - moved)
                moved = documents

            pending = _pending(unique_ids(source.records), log, counts, bar)
            if isinstance(engine, LocalEngine) and args.mode == "briefing":  # one line per story
                BriefingJob(engine.job.service, args.group_field, args.bullets).run(
                    source.records, log, counts, bar
                )
                pending = iter(())
            for finished in engine.results(_groups(pending, args.group_size), group_progress):
                # Each id once, whatever an engine hands back (a group run twice must not write twice).
                outcomes = [o for o in finished if o.record.id not in log.done]
                if out_dir is not None:  # before OUT: a result in OUT means its file is there too
                    write_out_dir(out_dir, outcomes)
                log.append([to_record(o, args.mode) for o in outcomes])
                failed_ids = [o.record.id for o in outcomes if o.error is not None or o.result is None]
                failed = len(failed_ids)
                counts.failed_ids += failed_ids[: max(0, SHOWN_FAILURES - len(counts.failed_ids))]
                counts.failed += failed
                counts.done += len(outcomes) - failed
                counts.flagged += sum(lines_flagged(o.result) > 0 for o in outcomes if o.error is None)
                counts.sentences += sum(o.sentences for o in outcomes)
                elapsed = max(time.perf_counter() - counts.started, 1e-9)
                bar.set_postfix_str(f"{counts.sentences / elapsed:.1f} sentences/s", refresh=False)
                bar.update(len(outcomes) - moved)
                moved = 0.0
    finally:
        log.close()
    service = getattr(getattr(engine, "job", None), "service", None)  # local engine; dask: on workers
    stats = service.cache.stats() if service is not None and service.cache is not None else None
    if stats is not None and stats.disk:  # asked for with --cache: say what it saved
        print(f"batch: translation cache: {stats.hits} sentences reused, {stats.misses} translated "
              f"({stats.disk_size} kept in {stats.disk})", file=sys.stderr)
    print(counts.line(args.output), file=sys.stderr)  # the summary stays the last line
    return 1 if counts.failed or counts.skipped_failed else 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="greek-digest-batch",
        description="Translate (or digest) many Greek articles into a resumable JSONL file.",
        epilog="Rerun the same command after a crash or kill: records already in OUT are skipped.",
    )
    parser.add_argument("input", help="directory of .txt/.md/.html files, a .jsonl or .csv file, "
                        "or '-' for JSONL on stdin")
    parser.add_argument("--output", "-o", type=Path, required=True, help="JSONL results (appended to)")
    parser.add_argument("--mode", choices=MODES, default="translate",
                        help="translate: whole article Greek→English; digest: bilingual bullets; "
                        "briefing: one bilingual briefing per story (needs --group-field)")
    parser.add_argument("--bullets", "-n", type=int, help="bullets per digest or points per briefing, "
                        "1-10 (default 5)")
    parser.add_argument("--method", choices=METHODS, default=AUTO,
                        help="digest mode: key points abstractive when a summariser is configured "
                        "(auto), or force one")
    parser.add_argument("--full", action="store_true",
                        help="digest mode: also translate the whole article into each digest")
    parser.add_argument("--field", default="text", help="JSONL/CSV field holding the article (default text)")
    parser.add_argument("--id-field", default="id", help="JSONL/CSV field holding the id (default id; "
                        "else line-N)")
    parser.add_argument("--group-field", help="briefing mode: JSONL/CSV field naming each record's story; "
                        "records of one story must be consecutive")
    parser.add_argument("--out-dir", type=Path, help="directory INPUT only: also write <name>.en.txt "
                        "(translate) or <name>.digest.md (digest) per file")
    parser.add_argument("--retry-errors", action="store_true",
                        help="try records that failed before again (default: errors are final)")
    parser.add_argument("--group-size", type=int, default=16,
                        help="documents whose sentences go to the model together (default 16)")
    add_model_flags(parser)
    parser.add_argument("--num-beams", type=int, help="beam size (default: the model's own)")
    parser.add_argument("--max-new-tokens", type=int, help="cap on English tokens per sentence")
    parser.add_argument("--batch-size", type=int, help="sentences per model batch (default 16)")
    parser.add_argument("--engine", choices=ENGINES, default="local",
                        help="where groups run: this process (local, default) or a Dask cluster (dask)")
    parser.add_argument("--scheduler", help="--engine dask: the cluster's scheduler, tcp://HOST:8786 "
                        "(default: $DIGEST_DASK_SCHEDULER, else a local cluster)")
    parser.add_argument("--workers", type=int, help="--engine dask without a scheduler: worker "
                        "processes of the local cluster (default: one per CPU)")
    parser.add_argument("--cache", metavar="DIR", help="on-disk translation cache, kept between runs "
                        "(sentences translated before, by the same model and options, are not redone)")
    parser.add_argument("--quiet", "-q", action="store_true", help="no progress bar")
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)  # exits 2 with a usage line on bad flags
    # A full disk (OSError) is one line too: the job can resume.
    return run_command(lambda: run(args), interrupted="interrupted: run the same command again to resume")


if __name__ == "__main__":
    sys.exit(main())
