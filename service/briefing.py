"""The Briefing: several Greek articles on one story → bilingual points, each citing every article that
reports it, with points only one article reports and figures the articles disagree on marked.

Indices are 0-based in the data (sources, reported_by), as in a Digest; people see 1-based numbers
("only in article 2"). JSON (to_dict) and Markdown like a Digest.
"""

from __future__ import annotations

import json
import re
from dataclasses import asdict, dataclass, field
from typing import Any

from service.digest import lines_to_check, markdown_footer, markdown_pair
from service.errors import InputError
from service.text import Article, looks_like_html

MAX_BRIEFING_ARTICLES = 10  # the page, the APIs, the CLI and batch groups
_SEPARATOR = re.compile(r"^\s*-{3,}\s*$", re.MULTILINE)  # a line of three or more dashes
_TITLE = re.compile(r"<title[^>]*>(.*?)</title>", re.IGNORECASE | re.DOTALL)
LABEL_CHARS = 80


@dataclass
class BriefingArticle:
    label: str  # its <title>, or its first line, shortened
    sentences: list[str]
    considered: int  # leading sentences looked at for points (a memory bound; usually all)


@dataclass
class BriefingPoint:
    el: str  # the representative Greek sentence
    en: str | None  # its English; None without a translator
    sources: list[dict[str, int]]  # [{article, sentence}]: the representative first, then one per article
    reported_by: list[int]  # articles that report it, ascending
    note: str | None = None  # "only in article 2" when one article of several reports it
    disagreements: list[dict[str, Any]] = field(default_factory=list)  # {values: [{article, text}], message}
    checks: list[dict[str, str]] | None = None  # Flag dicts of the English line; None: not checked


@dataclass
class Briefing:
    points: list[BriefingPoint]
    articles: list[BriefingArticle]
    models: dict[str, str | None]
    timings: dict[str, float]
    warnings: list[str] = field(default_factory=list)
    checks: dict[str, Any] | None = None  # lines checked / flagged; None: not checked

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    def to_json(self, indent: int | None = 2) -> str:
        return json.dumps(self.to_dict(), ensure_ascii=False, indent=indent)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Briefing:
        return cls(**{
            **data,
            "points": [BriefingPoint(**p) for p in data["points"]],
            "articles": [BriefingArticle(**a) for a in data["articles"]],
        })

    def to_markdown(self) -> str:
        """Points as Greek with the English beneath, who reports them, and their sentences quoted."""
        lines = ["# Ενημέρωση / Briefing", ""]
        lines += [f"{n}. {a.label}" for n, a in enumerate(self.articles, 1)] + [""]
        if self.checks is not None:
            lines += [lines_to_check(self.checks["lines_flagged"]), ""]
        for number, point in enumerate(self.points, 1):
            lines += markdown_pair(number, point.el, point.en, point.checks)
            lines.append(f"   _{reporters(point)}_")
            lines += [f"   ⚠ **{d['message']}**" for d in point.disagreements]
            for source in point.sources:
                article, sentence = source["article"], source["sentence"]
                quoted = self.articles[article].sentences[sentence]
                lines.append(f"   > [{article + 1}.{sentence + 1}] {quoted}")
            lines.append("")
        lines += markdown_footer(self.warnings, self.models, self.timings)
        return "\n".join(lines) + "\n"


def reporters(point: BriefingPoint) -> str:
    """"Only in article 2" or "Reported by articles 1, 2" (1-based, for people)."""
    if point.note:
        return point.note[0].upper() + point.note[1:]
    numbers = ", ".join(str(a + 1) for a in point.reported_by)
    return f"Reported by article{'s' if len(point.reported_by) > 1 else ''} {numbers}"


def split_articles(text: str) -> list[str]:
    """Articles of one text with a line of `---` between them (the page's one text area); blank
    parts are dropped."""
    return [part.strip() for part in _SEPARATOR.split(text or "") if part.strip()]


def article_label(raw: str, article: Article) -> str:
    """A short name for an article: the HTML <title>, else its first line, cut at a word."""
    title = _TITLE.search(raw) if looks_like_html(raw) else None
    label = " ".join((title.group(1) if title else article.text.split("\n", 1)[0]).split())
    if len(label) > LABEL_CHARS:
        label = label[:LABEL_CHARS].rsplit(" ", 1)[0] + " …"
    return label or "(untitled)"


def check_count(texts: list[str], max_chars: int) -> None:
    """InputError unless there are 1 to MAX_BRIEFING_ARTICLES articles and they fit the total limit
    (a cheap look at the raw length first, as for one article: markup rarely runs 4× its text)."""
    if not texts:
        raise InputError("No articles: send one to ten Greek articles on the same story.")
    if len(texts) > MAX_BRIEFING_ARTICLES:
        raise InputError(
            f"Too many articles ({len(texts)}): a briefing takes at most {MAX_BRIEFING_ARTICLES}."
        )
    raw = sum(len(t) for t in texts)
    if raw > 4 * max_chars:
        raise InputError(too_long(raw, max_chars))


def too_long(chars: int, max_chars: int) -> str:
    return (
        f"The articles are too long together ({chars:,} characters); a briefing takes at most "
        f"{max_chars:,} (DIGEST_MAX_BRIEFING_CHARS)."
    )
