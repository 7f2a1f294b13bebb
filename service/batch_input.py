"""Batch job input: INPUT (a directory, a .jsonl or .csv file, or JSONL on stdin) → records.

Every document becomes a Record with an id; one that cannot be read becomes a record with a one-line
error instead (never a crash, never lost). Ids are made unique in input order (``a``, ``a#2``…).
"""

from __future__ import annotations

import csv
import json
import sys
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from service.errors import InputError, UsageError
from service.text import decode_text

TEXT_SUFFIXES = (".txt", ".md", ".html", ".htm")
JSONL_SUFFIXES = (".jsonl", ".ndjson")


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
class InputSource:
    """An opened INPUT: its records, how many (None when unknown), and whether it is a directory."""

    records: Iterable[Record]
    total: int | None
    is_directory: bool = False


def open_input(spec: str, text_field: str, id_field: str) -> InputSource:
    """INPUT by kind; UsageError (exit 2) when it is missing or of no known kind."""
    if spec == "-":
        return InputSource(read_jsonl(sys.stdin.buffer, "stdin", text_field, id_field), None)
    path = Path(spec)
    if path.is_dir():
        return InputSource(read_directory(path), len(text_files(path)), is_directory=True)
    if not path.is_file():
        raise UsageError(f"{spec}: no such file or directory")
    suffix = path.suffix.lower()
    try:
        if suffix in JSONL_SUFFIXES:
            with path.open("rb") as handle:
                total = sum(1 for line in handle if line.strip())
            return InputSource(read_jsonl_file(path, text_field, id_field), total)
        if suffix == ".csv":
            csv_header(path, text_field)
            total = sum(1 for _, row, _ in _csv_rows(path) if row is None or any(c.strip() for c in row))
            return InputSource(read_csv(path, text_field, id_field), max(0, total - 1))
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
