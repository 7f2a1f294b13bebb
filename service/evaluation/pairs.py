"""Greek/English evaluation pairs from a file: Tatoeba (`ell<TAB>eng<TAB>greek<TAB>english`) or a
plain two-column TSV (`greek<TAB>english`). Lines starting with `#` and blank lines are skipped.
A `.jsonl` file (or any file read with fields named) holds one JSON object a line; two of its
string fields make the pair (the same reader serves `{article, summary}` records)."""

from __future__ import annotations

import json
from pathlib import Path

from service.errors import InputError


def parse_pairs(text: str, source: str = "pairs") -> list[tuple[str, str]]:
    pairs = []
    for number, line in enumerate(text.splitlines(), 1):
        if not line.strip() or line.startswith("#"):
            continue
        fields = line.split("\t")
        if len(fields) == 4:
            fields = fields[2:]  # Tatoeba: language codes first
        if len(fields) != 2 or not fields[0].strip() or not fields[1].strip():
            raise InputError(
                f"{source}, line {number}: expected greek<TAB>english or ell<TAB>eng<TAB>greek<TAB>english"
            )
        pairs.append((fields[0].strip(), fields[1].strip()))
    if not pairs:
        raise InputError(f"{source} has no Greek/English pairs.")
    return pairs


def parse_jsonl_pairs(
    text: str, src_field: str, ref_field: str, source: str = "pairs"
) -> list[tuple[str, str]]:
    """(record[src_field], record[ref_field]) of each JSON line; blank lines skipped."""
    pairs = []
    for number, line in enumerate(text.splitlines(), 1):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
        except json.JSONDecodeError as exc:
            raise InputError(f"{source}, line {number}: not JSON ({exc.msg})") from None
        values = [record.get(name) if isinstance(record, dict) else None for name in (src_field, ref_field)]
        if not all(isinstance(v, str) and v.strip() for v in values):
            raise InputError(
                f"{source}, line {number}: expected text in fields {src_field!r} and {ref_field!r}"
            )
        pairs.append((values[0].strip(), values[1].strip()))
    if not pairs:
        raise InputError(f"{source} has no records.")
    return pairs


def read_pairs(
    path: str | Path, src_field: str | None = None, ref_field: str | None = None
) -> list[tuple[str, str]]:
    """Pairs from a TSV file, or from JSONL (a `.jsonl` file, or fields named; defaults `el`, `en`)."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(f"Cannot read {path}: {exc}") from None
    if src_field or ref_field or path.suffix.lower() == ".jsonl":
        return parse_jsonl_pairs(text, src_field or "el", ref_field or "en", str(path))
    return parse_pairs(text, str(path))
