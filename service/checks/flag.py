"""The result of a check: one line for the reader to double-check, and why."""

from __future__ import annotations

from dataclasses import asdict, dataclass

KINDS = ("number", "date", "name", "glossary", "unsupported", "consistency")


@dataclass(frozen=True)
class Flag:
    """kind: one of KINDS; greek: the Greek words concerned; expected: what the English should
    contain; message: one sentence for the reader."""

    kind: str
    greek: str
    expected: str
    message: str

    def to_dict(self) -> dict[str, str]:
        return asdict(self)
