"""Greek/English evaluation pairs from a file: Tatoeba (`ell<TAB>eng<TAB>greek<TAB>english`) or a
plain two-column TSV (`greek<TAB>english`). Lines starting with `#` and blank lines are skipped."""

from __future__ import annotations

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


def read_pairs(path: str | Path) -> list[tuple[str, str]]:
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(f"Cannot read {path}: {exc}") from None
    return parse_pairs(text, str(path))
