"""Batch job: many Greek articles → one JSONL file of translations or digests, resumable.

    greek-digest-batch INPUT --output OUT.jsonl [--mode translate|digest] [options]

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

Throughput: documents are processed in groups (``--group-size``); all sentences of a group go to
the model in ONE generate() call, length-sorted across documents, so batches stay full. Digest
mode batches the same way through DigestService.digest_articles: key points per document by the
service's own rules (extractive or abstractive), the English of all the group's bullets pooled.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import sys
import time
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from service.config import add_model_flags, settings_from_args
from service.digest import Digest
from service.engine import DigestService
from service.errors import InputError, UnavailableError
from service.text import Article, decode_text
from service.translate import Translation, translate_articles

try:  # advisory lock so two jobs never append to the same OUT; POSIX only
    import fcntl
except ImportError:  # pragma: no cover - Windows
    fcntl = None  # type: ignore[assignment]

TEXT_SUFFIXES = (".txt", ".md", ".html", ".htm")
JSONL_SUFFIXES = (".jsonl", ".ndjson")
MODES = ("translate", "digest")


class UsageError(Exception):
    """The command cannot run as given (bad INPUT, OUT in use…): one line, exit status 2."""


# -- input --------------------------------------------------------------------------------------
@dataclass
class Record:
    """One input document, or the one-line reason it could not be read."""

    id: str
    source: str  # file path, or "input:line"
    text: str | None = None
    error: str | None = None
    stem: str = ""  # base name for --out-dir files (directory input only)


def _id_value(value: Any) -> str | None:
    """An id from a JSON/CSV value: strings and numbers; anything else means 'no id'."""
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, int | float | str) and str(value).strip():
        return str(value).strip()
    return None


def text_files(directory: Path) -> list[Path]:
    return sorted(
        p for p in directory.iterdir()
        if p.suffix.lower() in TEXT_SUFFIXES and not p.name.startswith(".") and p.is_file()
    )


def read_directory(directory: Path) -> Iterator[Record]:
    """One record per text file, by name. The file name is the id."""
    files = text_files(directory)
    stems = Counter(p.stem for p in files)
    for path in files:
        # a.txt and a.md would both write a.en.txt: keep the full name for such files.
        stem = path.stem if stems[path.stem] == 1 else path.name
        record = Record(id=path.name, source=str(path), stem=stem)
        try:
            record.text = decode_text(path.read_bytes(), path.name)
        except OSError as exc:
            record.error = f"cannot read {path.name}: {exc.strerror or exc}"
        except InputError as exc:
            record.error = str(exc)
        yield record


def read_jsonl_file(path: Path, text_field: str, id_field: str) -> Iterator[Record]:
    with path.open("rb") as handle:
        yield from read_jsonl(handle, path.name, text_field, id_field)


def read_jsonl(stream: IO[bytes], name: str, text_field: str, id_field: str) -> Iterator[Record]:
    """One record per non-blank line; a line that cannot be used becomes an error record."""
    for number, raw in enumerate(stream, 1):
        if not raw.strip():
            continue
        record = Record(id=f"line-{number}", source=f"{name}:{number}")
        try:
            line = decode_text(raw, f"line {number}")
            try:
                data = json.loads(line)
            except json.JSONDecodeError as exc:
                raise InputError(f"line {number} is not valid JSON ({exc.msg})") from None
            if not isinstance(data, dict):
                raise InputError(f"line {number} is not a JSON object")
            record.id = _id_value(data.get(id_field)) or record.id
            value = data.get(text_field)
            if value is None:
                raise InputError(f"line {number} has no {text_field!r} field")
            if not isinstance(value, str):
                raise InputError(f"line {number}: {text_field!r} is not a string")
            record.text = value
        except InputError as exc:
            record.error = str(exc)
        yield record


def _csv_rows(path: Path) -> Iterator[tuple[int, list[str] | None, str | None]]:
    """(first line number, row, error) of each CSV row; bad bytes survive as surrogates."""
    csv.field_size_limit(2**31 - 1)  # the default 128 KiB would stop a job on one long article
    with path.open(encoding="utf-8-sig", errors="surrogateescape", newline="") as handle:
        reader = csv.reader(handle)
        while True:
            start = reader.line_num + 1
            try:
                row = next(reader)
            except StopIteration:
                return
            except csv.Error as exc:
                yield start, None, f"line {start} is not valid CSV ({exc})"
                continue
            yield start, row, None


def csv_header(path: Path, text_field: str) -> list[str]:
    """The header row; UsageError unless it names the text column."""
    for _, row, error in _csv_rows(path):
        if error or row is None:
            raise UsageError(f"{path}: cannot read the CSV header ({error})")
        if text_field not in row:
            raise UsageError(f"{path}: no {text_field!r} column (columns: {', '.join(row)}); use --field")
        return row
    raise UsageError(f"{path} is empty: a CSV input needs a header row")


def read_csv(path: Path, text_field: str, id_field: str) -> Iterator[Record]:
    """One record per data row (csv module: quoted fields may span lines)."""
    rows = _csv_rows(path)
    header = next(rows)[1] or []
    for number, row, error in rows:
        record = Record(id=f"line-{number}", source=f"{path.name}:{number}")
        if row is None or error:
            record.error = error or f"line {number} is not valid CSV"
        elif not any(cell.strip() for cell in row):
            continue  # a blank line in a CSV is not a record
        else:
            values = dict(zip(header, row, strict=False))
            if _is_utf8(values.get(id_field)):
                record.id = _id_value(values.get(id_field)) or record.id
            record.text = values.get(text_field)
            if record.text is None:
                record.error = f"line {number} has no {text_field!r} value (the row is too short)"
            elif not _is_utf8(record.text):
                record.error = f"line {number} is not UTF-8 text"
        yield record


def _is_utf8(cell: str | None) -> bool:
    """False when decoding left surrogates for bytes that are not UTF-8."""
    try:
        (cell or "").encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


@dataclass
class Source:
    """An opened INPUT: its records, how many (None when unknown), and whether it is a directory."""

    records: Iterable[Record]
    total: int | None
    is_directory: bool = False


def open_input(spec: str, text_field: str, id_field: str) -> Source:
    """INPUT by kind; UsageError (exit 2) when it is missing or of no known kind."""
    if spec == "-":
        return Source(read_jsonl(sys.stdin.buffer, "stdin", text_field, id_field), None)
    path = Path(spec)
    if path.is_dir():
        return Source(read_directory(path), len(text_files(path)), is_directory=True)
    if not path.is_file():
        raise UsageError(f"{spec}: no such file or directory")
    suffix = path.suffix.lower()
    try:
        if suffix in JSONL_SUFFIXES:
            with path.open("rb") as handle:
                total = sum(1 for line in handle if line.strip())
            return Source(read_jsonl_file(path, text_field, id_field), total)
        if suffix == ".csv":
            csv_header(path, text_field)
            total = sum(1 for _, row, _ in _csv_rows(path) if row is None or any(c.strip() for c in row))
            return Source(read_csv(path, text_field, id_field), max(0, total - 1))
    except OSError as exc:
        raise UsageError(f"cannot read {spec}: {exc.strerror or exc}") from None
    raise UsageError(f"{spec}: INPUT must be a directory, a .jsonl or .csv file, or '-' (JSONL on stdin)")


def unique_ids(records: Iterable[Record]) -> Iterator[Record]:
    """Make ids unique in input order: the second 'a' becomes 'a#2' (the same on every run)."""
    seen: set[str] = set()
    for record in records:
        if record.id in seen:
            base, n = record.id, 2
            while f"{base}#{n}" in seen:
                n += 1
            record.id = f"{base}#{n}"
        seen.add(record.id)
        yield record


# -- output -------------------------------------------------------------------------------------
def scan_results(data: bytes, name: str) -> tuple[int, list[dict[str, Any]]]:
    """Records in OUT's bytes, and the length of its good prefix.

    A last line without a newline, or that does not parse, is what a kill mid-write leaves: it
    is not counted (the caller truncates it). A bad line with good lines after it was not written
    by us, so the file is left alone and the job refuses to run.
    """
    records: list[dict[str, Any]] = []
    good = pos = number = 0
    while (end := data.find(b"\n", pos)) != -1:
        number += 1
        line = data[pos:end]
        if line.strip():
            try:
                record = json.loads(line)
            except ValueError:
                record = None
            if not isinstance(record, dict) or "id" not in record:
                if data[end + 1 :].strip(b" \t\r\x00").count(b"\n"):
                    raise UsageError(f"{name} line {number} is not a result record: fix or remove it")
                break
            records.append(record)
        good = pos = end + 1
    return good, records


class ResultLog:
    """OUT, opened for appending: locked, repaired, and knowing which ids are done."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.fd = -1
        self.done: dict[str, bool] = {}  # id in OUT -> whether its record is an error
        self.modes: set[str] = set()  # the modes of the records in OUT
        self.repaired_bytes = 0

    def _open_locked(self) -> int:
        """Open and lock the file that is at `path` now (it may be replaced while we wait)."""
        while True:
            fd = os.open(self.path, os.O_RDWR | os.O_CREAT | os.O_APPEND, 0o644)
            if fcntl is None:
                return fd
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                os.close(fd)
                raise UsageError(f"{self.path} is in use by another batch job") from None
            if os.fstat(fd).st_ino == os.stat(self.path).st_ino:
                return fd
            os.close(fd)

    def _read(self) -> list[dict[str, Any]]:
        """OUT's records; a damaged last line is cut off first."""
        with os.fdopen(os.dup(self.fd), "rb") as handle:
            handle.seek(0)
            data = handle.read()
        good, records = scan_results(data, str(self.path))
        if good < len(data):
            os.ftruncate(self.fd, good)
            os.fsync(self.fd)
            self.repaired_bytes = len(data) - good
        return records

    def open(self) -> ResultLog:
        try:
            self.fd = self._open_locked()
            records = self._read()
        except OSError as exc:
            raise UsageError(f"cannot open {self.path}: {exc.strerror or exc}") from None
        self.done = {str(r["id"]): "error" in r for r in records}
        self.modes = {str(r.get("mode")) for r in records}
        return self

    def drop_errors(self) -> int:
        """Rewrite OUT without its error records (crash-safe: temp file + rename)."""
        if not any(self.done.values()):
            return 0
        kept = [r for r in self._read() if "error" not in r]
        temp = self.path.with_name(f".{self.path.name}.{os.getpid()}.tmp")
        with temp.open("wb") as handle:
            handle.write(b"".join(_line(r) for r in kept))
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temp, self.path)
        old, self.fd = self.fd, self._open_locked()
        os.close(old)
        dropped = [key for key, failed in self.done.items() if failed]
        for key in dropped:
            del self.done[key]
        return len(dropped)

    def append(self, records: list[dict[str, Any]]) -> None:
        """Append complete lines and fsync: after this returns they survive a crash."""
        data = b"".join(_line(r) for r in records)
        view = memoryview(data)
        while view:
            view = view[os.write(self.fd, view) :]
        os.fsync(self.fd)
        for record in records:
            self.done[record["id"]] = "error" in record

    def close(self) -> None:
        if self.fd >= 0:
            os.close(self.fd)  # also releases the lock
            self.fd = -1


def _line(record: dict[str, Any]) -> bytes:
    """One JSON line (json.dumps escapes newlines), readable UTF-8."""
    try:
        return json.dumps(record, ensure_ascii=False).encode("utf-8") + b"\n"
    except UnicodeEncodeError:
        # A file name with undecodable bytes holds surrogates: \u-escapes keep it valid JSON, and it
        # reads back as the same id, so resuming still skips it.
        return json.dumps(record).encode("ascii") + b"\n"


def write_atomic(path: Path, text: str) -> None:
    """Write a whole file or nothing (a kill leaves the old file or none, never half of one)."""
    temp = path.with_name(f".{path.name}.tmp")
    temp.write_text(text, encoding="utf-8")
    os.replace(temp, path)


# -- processing ---------------------------------------------------------------------------------
@dataclass
class Outcome:
    """What became of one record: a result (Translation or Digest) or an error line."""

    record: Record
    result: Translation | Digest | None = None
    error: str | None = None
    sentences: int = 0  # sentences sent to the model, for the throughput figures


@dataclass
class BatchJob:
    """One run over a group of records at a time, with the service's models and settings."""

    service: DigestService
    mode: str = "translate"
    bullets: int | None = None

    def _parse(self, records: list[Record]) -> tuple[list[Outcome], list[tuple[Outcome, Article]]]:
        outcomes = [Outcome(r, error=r.error) for r in records]
        parsed: list[tuple[Outcome, Article]] = []
        for outcome in outcomes:
            if outcome.error is None:
                try:
                    parsed.append((outcome, self.service.parse(outcome.record.text or "")))
                except InputError as exc:
                    outcome.error = str(exc)
        return outcomes, parsed

    def run_group(self, records: list[Record]) -> list[Outcome]:
        outcomes, parsed = self._parse(records)
        if not parsed:
            return outcomes
        self._isolating(self._translate if self.mode == "translate" else self._digest, parsed)
        return outcomes

    def _isolating(self, work: Callable[[list[tuple[Outcome, Article]]], None],
                   parsed: list[tuple[Outcome, Article]]) -> None:
        """Run `work` on the group; if it fails, on each document alone, so only a culprit fails."""
        try:
            work(parsed)
        except Exception as exc:
            if len(parsed) > 1:
                for item in parsed:
                    self._isolating(work, [item])
            else:
                what = "translation" if self.mode == "translate" else "digest"
                parsed[0][0].error = f"{what} failed: {type(exc).__name__}: {exc}".splitlines()[0]

    def _translate(self, parsed: list[tuple[Outcome, Article]]) -> None:
        model = self.service.translator
        assert model is not None  # checked at start-up: translate mode exits 3 without one
        results = translate_articles(model, [a for _, a in parsed], **self.service.translate_options())
        for (outcome, article), translation in zip(parsed, results, strict=True):
            outcome.result, outcome.sentences = translation, len(article.sentences)

    def _digest(self, parsed: list[tuple[Outcome, Article]]) -> None:
        """Key points per article, by the service's own rules (extractive or abstractive, with its
        fallbacks and warnings), and the English of all the group's bullets from one generate()."""
        digests = self.service.digest_articles([a for _, a in parsed], bullets=self.bullets)
        for (outcome, _), digest in zip(parsed, digests, strict=True):
            outcome.result = digest
            outcome.sentences = sum(b.en is not None for b in digest.bullets)


def to_record(outcome: Outcome, mode: str) -> dict[str, Any]:
    record: dict[str, Any] = {"id": outcome.record.id, "source": outcome.record.source, "mode": mode}
    if outcome.error is not None or outcome.result is None:
        record["error"] = outcome.error or "no result"
    else:
        record["result"] = outcome.result.to_dict()
    return record


def out_dir_text(outcome: Outcome) -> tuple[str, str] | None:
    """(file name, content) of the per-file output of --out-dir, or None for an error."""
    result = outcome.result
    if isinstance(result, Translation):
        return f"{outcome.record.stem}.en.txt", result.text + "\n"
    if isinstance(result, Digest):
        return f"{outcome.record.stem}.digest.md", result.to_markdown()
    return None


def write_out_dir(out_dir: Path, outcomes: list[Outcome]) -> None:
    for outcome in outcomes:
        written = out_dir_text(outcome)
        if written:
            try:
                write_atomic(out_dir / written[0], written[1])
            except OSError as exc:
                outcome.error = f"cannot write {written[0]} in {out_dir}: {exc.strerror or exc}"


# -- the job ------------------------------------------------------------------------------------
@dataclass
class Summary:
    done: int = 0  # results written this run
    failed: int = 0  # errors written this run
    skipped: int = 0  # already in OUT
    skipped_failed: int = 0  # of those, errors
    sentences: int = 0
    started: float = field(default_factory=time.perf_counter)

    def line(self, out: Path) -> str:
        seconds = max(time.perf_counter() - self.started, 1e-9)
        earlier = f" ({self.skipped_failed} with errors)" if self.skipped_failed else ""
        docs_rate = (self.done + self.failed) / seconds
        return (
            f"batch: {self.done} done, {self.failed} failed, {self.skipped} skipped as already in "
            f"{out}{earlier}; {self.sentences} sentences in {seconds:.1f} s "
            f"({docs_rate:.2f} docs/s, {self.sentences / seconds:.1f} sentences/s)"
        )


def _pending(records: Iterable[Record], log: ResultLog, summary: Summary, bar: Any) -> Iterator[Record]:
    for record in records:
        failed = log.done.get(record.id)
        if failed is None:
            yield record
            continue
        summary.skipped += 1
        summary.skipped_failed += failed
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
    if args.group_size < 1 or (args.bullets is not None and args.bullets < 1):
        raise UsageError("--group-size and --bullets must be at least 1")
    source = open_input(args.input, args.field, args.id_field)
    out_dir: Path | None = args.out_dir
    if out_dir is not None and not source.is_directory:
        raise UsageError("--out-dir needs a directory INPUT (it writes one file per input file)")
    try:
        settings = settings_from_args(
            args, num_beams=args.num_beams, batch_size=args.batch_size, max_new_tokens=args.max_new_tokens
        )
    except ValueError as exc:
        raise UsageError(str(exc)) from None

    service = DigestService(settings)  # the translator loads on first use, just below
    if service.translator is None:
        if args.mode == "translate":  # fail fast rather than write one error per record
            raise UnavailableError(f"translate mode needs a translator: {service.translator_warning()}")
        print(f"warning: no English in the digests: {service.translator_warning()}", file=sys.stderr)

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

        job = BatchJob(service, mode=args.mode, bullets=args.bullets)
        summary = Summary()
        with tqdm(total=source.total, unit="doc", desc=args.mode, file=sys.stderr,
                  disable=args.quiet, dynamic_ncols=True) as bar:
            pending = _pending(unique_ids(source.records), log, summary, bar)
            for group in _groups(pending, args.group_size):
                outcomes = job.run_group(group)
                if out_dir is not None:  # before OUT: a result in OUT means its file is there too
                    write_out_dir(out_dir, outcomes)
                log.append([to_record(o, args.mode) for o in outcomes])
                failed = sum(o.error is not None or o.result is None for o in outcomes)
                summary.failed += failed
                summary.done += len(outcomes) - failed
                summary.sentences += sum(o.sentences for o in outcomes)
                elapsed = max(time.perf_counter() - summary.started, 1e-9)
                bar.set_postfix_str(f"{summary.sentences / elapsed:.1f} sentences/s", refresh=False)
                bar.update(len(outcomes))
    finally:
        log.close()
    print(summary.line(args.output), file=sys.stderr)
    return 1 if summary.failed or summary.skipped_failed else 0


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
                        help="translate: whole article Greek→English; digest: bilingual bullets")
    parser.add_argument("--bullets", "-n", type=int, help="bullets per digest (default 5)")
    parser.add_argument("--field", default="text", help="JSONL/CSV field holding the article (default text)")
    parser.add_argument("--id-field", default="id", help="JSONL/CSV field holding the id (default id; "
                        "else line-N)")
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
    parser.add_argument("--quiet", "-q", action="store_true", help="no progress bar")
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)  # exits 2 with a usage line on bad flags
    try:
        return run(args)
    except UsageError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except UnavailableError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 3
    except OSError as exc:  # e.g. the disk filled up: say so in one line, the job can resume
        print(f"error: {exc.strerror or exc}: {exc.filename or ''}".rstrip(": "), file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("interrupted: run the same command again to resume", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
