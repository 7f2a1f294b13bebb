"""Batch job input: INPUT (a directory, a .jsonl or .csv file, or JSONL on stdin) → records.

Every document becomes a Record with an id; one that cannot be read becomes a record with a one-line
error instead (never a crash, never lost). Ids are made unique in input order (``a``, ``a#2``…).
"""

from __future__ import annotations

import json
import re
import sys
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from service.csv_rows import csv_rows
from service.errors import InputError, UsageError
from service.text import decode_text, input_byte_limit, read_capped, too_long

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
    group: str | None = None  # the --group-field value (briefing mode: records of one story)


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


def read_directory(directory: Path, max_chars: int) -> Iterator[Record]:
    """One record per text file, by name. The file name is the id. At most the size limit + 1 bytes
    of each file are read."""
    files = text_files(directory)
    stems = Counter(p.stem for p in files)
    for path in files:
        # a.txt and a.md would both write a.en.txt: keep the full name for such files.
        stem = path.stem if stems[path.stem] == 1 else path.name
        record = Record(id=path.name, source=str(path), stem=stem)
        try:
            with path.open("rb") as handle:
                record.text = read_capped(handle, max_chars, path.name)
        except OSError as exc:
            record.error = f"cannot read {path.name}: {exc.strerror or exc}"
        except InputError as exc:
            record.error = str(exc)
        yield record


def read_jsonl_file(
    path: Path, text_field: str, id_field: str, max_chars: int, *, group_field: str | None = None
) -> Iterator[Record]:
    with path.open("rb") as handle:
        yield from read_jsonl(handle, path.name, text_field, id_field, max_chars, group_field=group_field)


def capped_lines(stream: IO[bytes], limit: int) -> Iterator[tuple[bytes, bool]]:
    """(line, whole) for each line of `stream`, holding at most `limit` + 1 bytes of one: a longer
    line comes as its first `limit` bytes and whole=False (the rest is read in pieces and dropped),
    so one 300 MB line never sits in memory."""
    while line := stream.readline(limit + 1):
        if len(line) > limit and not line.endswith(b"\n"):
            while (rest := stream.readline(limit)) and not rest.endswith(b"\n"):
                pass
            yield line[:limit], False
        else:
            yield line, True


def _id_in_prefix(prefix: bytes, id_field: str) -> str | None:
    """The id of a JSON line too long to parse, when it comes before the cut (`"id": "a7"`)."""
    key = re.escape(json.dumps(id_field)).encode()
    match = re.search(key + rb'\s*:\s*("(?:[^"\\]|\\.)*"|-?\d+(?:\.\d+)?)', prefix)
    try:
        return _id_value(json.loads(match.group(1))) if match else None
    except ValueError:
        return None


def read_jsonl(
    stream: IO[bytes], name: str, text_field: str, id_field: str, max_chars: int,
    *, group_field: str | None = None,
) -> Iterator[Record]:
    """One record per non-blank line; a line that cannot be used becomes an error record."""
    limit = input_byte_limit(max_chars)
    for number, (raw, whole) in enumerate(capped_lines(stream, limit), 1):
        if whole and not raw.strip():
            continue
        record = Record(id=f"line-{number}", source=f"{name}:{number}")
        try:
            if not whole:
                record.id = _id_in_prefix(raw, id_field) or record.id
                raise InputError(f"line {number}: {too_long(f'more than {limit:,} bytes', max_chars)}")
            line = decode_text(raw, f"line {number}")
            try:
                data = json.loads(line)
            except (ValueError, RecursionError) as exc:  # RecursionError: JSON nested too deep
                reason = exc.msg if isinstance(exc, json.JSONDecodeError) else "nested too deeply"
                raise InputError(f"line {number} is not valid JSON ({reason})") from None
            if not isinstance(data, dict):
                raise InputError(f"line {number} is not a JSON object")
            record.id = _id_value(data.get(id_field)) or record.id
            record.group = _id_value(data.get(group_field)) if group_field else None
            value = data.get(text_field)
            if value is None:
                raise InputError(f"line {number} has no {text_field!r} field")
            if not isinstance(value, str):
                raise InputError(f"line {number}: {text_field!r} is not a string")
            record.text = value
        except InputError as exc:
            record.error = str(exc)
        yield record


def csv_header(path: Path, text_field: str, id_field: str, max_chars: int) -> list[str]:
    """The header row; UsageError unless it names the text column."""
    for _, row, error in csv_rows(path, id_field, max_chars):
        if error or row is None:
            raise UsageError(f"{path}: cannot read the CSV header ({error})")
        if text_field not in row:
            raise UsageError(f"{path}: no {text_field!r} column (columns: {', '.join(row)}); use --field")
        return row
    raise UsageError(f"{path} is empty: a CSV input needs a header row")


def read_csv(
    path: Path, text_field: str, id_field: str, max_chars: int, *, group_field: str | None = None
) -> Iterator[Record]:
    """One record per data row (csv module: quoted fields may span lines; see csv_rows for the
    rows an unclosed quote swallows)."""
    rows = csv_rows(path, id_field, max_chars)
    header = next(rows)[1] or []
    records = 0
    for number, row, error in rows:
        if row is not None and not error and not any(cell.strip() for cell in row):
            continue  # a blank line in a CSV is not a record
        records += 1  # no id: the record's number, not its first line (quoted fields span lines)
        record = Record(id=f"row-{records}", source=f"{path.name}:{number}")
        values = dict(zip(header, row or [], strict=False))
        if _is_utf8(values.get(id_field)):
            record.id = _id_value(values.get(id_field)) or record.id
        if group_field and _is_utf8(values.get(group_field)):
            record.group = _id_value(values.get(group_field))
        if row is None or error:
            record.error = error or f"line {number} is not valid CSV"
        else:
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


def open_input(
    spec: str, text_field: str, id_field: str, max_chars: int, *, group_field: str | None = None
) -> InputSource:
    """INPUT by kind; UsageError (exit 2) when it is missing or of no known kind. Readers hold at
    most about input_byte_limit(max_chars) bytes of one record: a longer one is that record's error.
    With `group_field`, each JSONL/CSV record also carries that field's value (Record.group)."""
    grouped = {"group_field": group_field}
    if spec == "-":
        stdin = read_jsonl(sys.stdin.buffer, "stdin", text_field, id_field, max_chars, **grouped)
        return InputSource(stdin, None)
    path = Path(spec)
    if path.is_dir():
        return InputSource(read_directory(path, max_chars), len(text_files(path)), is_directory=True)
    if not path.is_file():
        raise UsageError(f"{spec}: no such file or directory")
    suffix = path.suffix.lower()
    try:
        if suffix in JSONL_SUFFIXES:
            with path.open("rb") as handle:
                limit = input_byte_limit(max_chars)
                total = sum(1 for line, whole in capped_lines(handle, limit) if not whole or line.strip())
            return InputSource(read_jsonl_file(path, text_field, id_field, max_chars, **grouped), total)
        if suffix == ".csv":
            csv_header(path, text_field, id_field, max_chars)
            total = sum(1 for _, row, error in csv_rows(path, id_field, max_chars)
                        if row is None or error or any(c.strip() for c in row))
            return InputSource(read_csv(path, text_field, id_field, max_chars, **grouped), max(0, total - 1))
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
