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
            lines.append(f"{number}. **{bullet.el}**")
            english = f"   {bullet.en}" if bullet.en else "   _(no English translation)_"
            lines.append(english + "".join(f" ⚠ _{flag['message']}_" for flag in bullet.checks or []))
            quoted = [self.sentences[i] for i in bullet.sources]
            if evidence and quoted and quoted != [bullet.el]:
                lines += [f"   > [{i + 1}] {self.sentences[i]}" for i in bullet.sources]
            elif bullet.sources:
                numbers = ", ".join(str(i + 1) for i in bullet.sources)
                lines.append(f"   _(sentence {numbers} of the article)_")
            lines.append("")
        if self.translation:
            lines += ["## English translation", "", self.translation, ""]
        if self.warnings:
            lines += ["## Warnings", ""] + [f"- {w}" for w in self.warnings] + [""]
        models = ", ".join(f"{k}: {v or '—'}" for k, v in self.models.items())
        lines.append(f"_Models: {models}; {self.timings.get('total', 0.0):.2f} s_")
        return "\n".join(lines) + "\n"
