"""The Digest: bilingual bullets with their evidence, and how it was made. JSON and Markdown."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from typing import Any


def lines_to_check(count: int) -> str:
    """The one summary line of the checks, for Markdown and the page."""
    if count == 0:
        return "✓ No lines to check."
    return f"⚠ {count} line{'s' if count > 1 else ''} to check"


def markdown_pair(
    number: int, greek: str, english: str | None, checks: list[dict[str, str]] | None
) -> list[str]:
    """A numbered Greek line in bold and its English beneath, the checks' reasons after it."""
    english_line = f"   {english}" if english else "   _(no English translation)_"
    reasons = "".join(f" ⚠ _{flag['message']}_" for flag in checks or [])
    return [f"{number}. **{greek}**", english_line + reasons]


def markdown_footer(
    warnings: list[str], models: dict[str, str | None], timings: dict[str, float]
) -> list[str]:
    """The warnings, then one line naming the models and the time taken."""
    lines = ["## Warnings", ""] + [f"- {w}" for w in warnings] + [""] if warnings else []
    names = ", ".join(f"{k}: {v or '—'}" for k, v in models.items())
    return [*lines, f"_Models: {names}; {timings.get('total', 0.0):.2f} s_"]


@dataclass
class KeyPoint:
    """A Greek key point and the article sentences (indices) it comes from; extractive and
    abstractive summarisers both produce these."""

    text: str
    sources: list[int]


@dataclass
class Bullet:
    el: str  # the key point in Greek
    en: str | None  # its English translation; None when no translator is available
    sources: list[int]  # indices into Digest.sentences the point comes from
    checks: list[dict[str, str]] | None = None  # Flag dicts for this line; None: not checked


@dataclass
class Digest:
    bullets: list[Bullet]
    sentences: list[str]  # the article's sentences, in order; Bullet.sources index into it
    models: dict[str, str | None]  # {"translator": id or None, "summarizer": id or "extractive"}
    timings: dict[str, float]  # seconds per stage, and "total"
    warnings: list[str] = field(default_factory=list)
    translation: str | None = None  # full English article, when asked for
    paragraphs: list[int] = field(default_factory=list)  # paragraph index of each sentence
    checks: dict[str, Any] | None = None  # summary of the line checks; None: not checked

    def to_dict(self) -> dict:
        # Unchecked (DIGEST_CHECKS=off): no "checks" keys at all, the JSON as before the checks.
        data = asdict(self)
        if self.checks is None:
            data.pop("checks")
        for bullet in data["bullets"]:
            if bullet["checks"] is None:
                bullet.pop("checks")
        return data

    def to_json(self, indent: int | None = 2) -> str:
        return json.dumps(self.to_dict(), ensure_ascii=False, indent=indent)

    @classmethod
    def from_dict(cls, data: dict) -> Digest:
        bullets = [Bullet(**b) for b in data["bullets"]]
        return cls(**{**data, "bullets": bullets})

    def to_markdown(self, evidence: bool = True) -> str:
        """Bullets as Greek with the English beneath, and the source sentences quoted."""
        lines = ["# Σύνοψη / Digest", ""]
        if self.checks is not None:
            lines += [lines_to_check(self.checks["lines_flagged"]), ""]
        for number, bullet in enumerate(self.bullets, 1):
            lines += markdown_pair(number, bullet.el, bullet.en, bullet.checks)
            quoted = [self.sentences[i] for i in bullet.sources]
            if evidence and quoted and quoted != [bullet.el]:
                lines += [f"   > [{i + 1}] {self.sentences[i]}" for i in bullet.sources]
            elif bullet.sources:
                numbers = ", ".join(str(i + 1) for i in bullet.sources)
                lines.append(f"   _(sentence {numbers} of the article)_")
            lines.append("")
        if self.translation:
            lines += ["## English translation", "", self.translation, ""]
        lines += markdown_footer(self.warnings, self.models, self.timings)
        return "\n".join(lines) + "\n"
