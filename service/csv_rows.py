"""CSV rows for the batch job, checked: an unclosed quote that swallows the rows after it, and a
line over the size limit, become error rows instead of one silently merged record."""

from __future__ import annotations

import contextlib
import csv
import re
from collections.abc import Iterator
from pathlib import Path
from typing import IO

from service.text import input_byte_limit, too_long


class _LineTap:
    """The physical lines csv.reader takes from a text file, kept per record for the checks below;
    a line over `limit` characters is replaced by an empty one (its rest is skipped) and its start
    kept in `cut`, for the row's id."""

    def __init__(self, handle: IO[str], limit: int) -> None:
        self.handle, self.limit = handle, limit
        self.lines: list[str] = []
        self.cut: str | None = None

    def __iter__(self) -> _LineTap:
        return self

    def __next__(self) -> str:
        line = self.handle.readline(self.limit + 1)
        if not line:
            raise StopIteration
        if len(line) > self.limit and not line.endswith(("\n", "\r")):
            while (rest := self.handle.readline(self.limit)) and not rest.endswith(("\n", "\r")):
                pass
            self.cut, line = line[: self.limit], "\n"
        self.lines.append(line)
        return line


# What a CSV writer puts in an id column: no spaces, no Greek words (which a text line may start with).
_ID_LIKE = re.compile(r"[A-Za-z0-9_.:#/+-]{1,64}")


def _looks_like_row(line: str, width: int, id_column: int | None) -> list[str] | None:
    """`line` parsed alone, when it has the header's width and an id-like value in the id column:
    a row of its own that an unclosed quote above swallowed. None otherwise."""
    if id_column is None:
        return None
    try:
        fields = next(csv.reader([line]))
    except (csv.Error, StopIteration):
        return None
    if len(fields) != width or not _ID_LIKE.fullmatch(fields[id_column]):
        return None
    after_id = fields[id_column + 1 : id_column + 2]
    if after_id and after_id[0].startswith(" "):  # "2024, a year…": prose, a writer adds no space
        return None
    return fields


def _breaks_strict_csv(lines: list[str]) -> bool:
    try:
        list(csv.reader(lines, strict=True))
    except csv.Error:
        return True
    return False


def _unclosed_quote_rows(
    start: int, lines: list[str], width: int, id_column: int | None
) -> list[tuple[int, list[str] | None, str | None]] | None:
    """For a record spanning several lines: None when it is sound, else error rows for it and for
    each later line that looks like a row of its own (so no swallowed row goes unreported).

    An unbalanced quote makes the csv module read on, across newlines, into the following rows:
    the record then breaks strict CSV (a quote inside a quoted field, or end of file inside one),
    or its continuation lines look like rows (an id, the delimiter, the other columns). A field
    with doubled quotes ("") was escaped by a CSV writer: row-like lines in it are its text.
    """
    swallowed = [(start + k, row) for k, line in enumerate(lines[1:], 1)
                 if (row := _looks_like_row(line, width, id_column)) is not None]
    escaped = '""' in "".join(lines[1:])
    if (not swallowed or escaped) and not _breaks_strict_csv(lines):
        return None
    end = start + len(lines) - 1
    rows: list[tuple[int, list[str] | None, str | None]] = [(
        start, None, f"line {start}: a quote is not closed, so this field runs on to line {end} "
        f"(swallowing {len(swallowed)} row(s) after it): fix the quoting",
    )]
    rows += [(number, row, f"line {number} was swallowed by the unclosed quote on line {start}: fix the "
              "quoting") for number, row in swallowed]
    return rows


def csv_rows(
    path: Path, id_field: str, max_chars: int
) -> Iterator[tuple[int, list[str] | None, str | None]]:
    """(first line number, row, error) of each CSV row; bad bytes survive as surrogates. A row may
    carry an error and still its cells (for its id). Rows swallowed by an unclosed quote come out
    as errors of their own."""
    limit = input_byte_limit(max_chars)
    csv.field_size_limit(limit)  # one field may be a whole article, but no more than the limit
    with path.open(encoding="utf-8-sig", errors="surrogateescape", newline="") as handle:
        tap = _LineTap(handle, limit)
        reader = csv.reader(tap)
        header: list[str] | None = None
        while True:
            start = reader.line_num + 1
            tap.lines, tap.cut = [], None
            try:
                row = next(reader)
            except StopIteration:
                return
            except csv.Error as exc:
                yield start, None, f"line {start} is not valid CSV ({exc})"
                continue
            if tap.cut is not None:
                with contextlib.suppress(csv.Error):
                    row = next(csv.reader([tap.cut]), [])  # its first cells: the id, with luck
                yield start, row, f"line {start}: {too_long(f'more than {limit:,} characters', max_chars)}"
                continue
            if header is None:
                header = row
            elif len(tap.lines) > 1:
                id_column = header.index(id_field) if id_field in header else None
                bad = _unclosed_quote_rows(start, tap.lines, len(header), id_column)
                if bad is not None:
                    first, *swallowed = bad
                    yield first[0], row, first[2]
                    yield from swallowed
                    continue
            yield start, row, None
