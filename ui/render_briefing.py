"""HTML view of a briefing: each point in Greek and English, the articles that report it (numbered
chips), "only in article 2", figures the articles disagree on, and the point's sentences in each
article behind a <details>. All text comes from the articles or a model: everything is escaped."""

from __future__ import annotations

from service import Briefing, BriefingPoint
from service.briefing import reporters
from ui.render import check_flags, checks_line, esc

BRIEFING_CSS = """
.gd-briefing { line-height: 1.55; }
.gd-articles { margin: 0 0 .8rem; padding: .6rem .9rem; border: 1px solid var(--border-color-primary);
  border-radius: var(--radius-lg); font-size: var(--text-sm); }
.gd-articles ol { margin: .3rem 0 0 !important; padding: 0 !important; list-style: none; }
.gd-articles li { margin: .15rem 0; overflow-wrap: anywhere; }
.gd-chip { display: inline-block; min-width: 1.4em; margin-right: .25rem; padding: 0 .35em;
  border-radius: 999px; font-size: var(--text-xs); font-weight: 700; text-align: center;
  background: var(--color-accent); color: white; }
.gd-reach { grid-column: 2 / -1; font-size: var(--text-sm); color: var(--body-text-color-subdued); }
.gd-only .gd-chip { background: var(--body-text-color-subdued); }
.gd-only-note { font-style: italic; }
.gd-disagree { grid-column: 2 / -1; padding: .35rem .7rem; border-radius: var(--radius-md);
  border: 1px solid #f59e0b; background: color-mix(in srgb, #f59e0b 12%, transparent);
  font-size: var(--text-sm); }
"""


def _chips(articles: list[int]) -> str:
    return "".join(f'<span class="gd-chip" title="article {a + 1}">{a + 1}</span>' for a in articles)


def _sources(briefing: Briefing, point: BriefingPoint, number: int) -> str:
    """The point's sentence in each article that reports it, named by article and sentence."""
    quotes = []
    for source in point.sources:
        article = briefing.articles[source["article"]]
        sentence = source["sentence"]
        if not 0 <= sentence < len(article.sentences):
            continue
        quotes.append(
            f'<blockquote class="gd-quote" lang="el"><p>{_chips([source["article"]])} '
            f'{esc(article.sentences[sentence])}</p><footer>article {source["article"] + 1} '
            f"({esc(article.label)}) · sentence {sentence + 1} of {len(article.sentences)}</footer>"
            "</blockquote>"
        )
    count = len(point.reported_by)
    label = f"The sentence in {'each of the ' + str(count) + ' articles' if count > 1 else 'the article'}"
    return (
        f'<details class="gd-evidence" id="gd-point-sources-{number}">'
        f"<summary>{label}</summary>{''.join(quotes)}</details>"
    )


def _point(briefing: Briefing, point: BriefingPoint, number: int) -> str:
    english = (
        f'<div class="gd-en" lang="en">{esc(point.en)}{check_flags(point)}</div>'
        if point.en
        else '<div class="gd-en gd-missing" lang="en">no English translation</div>'
    )
    only = " gd-only" if point.note else ""
    reach = (
        f'<div class="gd-reach{only}">{_chips(point.reported_by)} '
        f'<span class="{"gd-only-note" if point.note else ""}">{esc(reporters(point))}</span></div>'
    )
    disagreements = "".join(
        f'<div class="gd-disagree" role="note">⚠ {esc(d["message"])}</div>' for d in point.disagreements
    )
    return (
        f'<li class="gd-bullet gd-point"><span class="gd-num">{number}</span>'
        f'<div class="gd-el" lang="el">{esc(point.el)}</div>{english}{reach}{disagreements}'
        f"{_sources(briefing, point, number)}</li>"
    )


def briefing_html(briefing: Briefing) -> str:
    """The articles (numbered, by label), then the points, most widely reported and central first."""
    warnings = "".join(f'<div class="gd-warning" role="alert">⚠ {esc(w)}</div>' for w in briefing.warnings)
    warnings += checks_line(briefing.checks)
    articles = "".join(
        f'<li>{_chips([n])} <span lang="el">{esc(a.label)}</span> · {len(a.sentences)} sentences</li>'
        for n, a in enumerate(briefing.articles)
    )
    points = "".join(_point(briefing, p, n) for n, p in enumerate(briefing.points, 1))
    shared = sum(len(p.reported_by) > 1 for p in briefing.points)
    total = briefing.timings.get("total")
    seconds = f" · {total:.2f} s" if isinstance(total, int | float) else ""
    return (
        f'<div class="gd-briefing">{warnings}'
        f'<div class="gd-articles"><b>Articles</b><ol>{articles}</ol></div>'
        '<div class="gd-head"><span></span><span>Ελληνικά</span><span>English</span></div>'
        f'<ol class="gd-bullets">{points}</ol>'
        f'<div class="gd-meta">{len(briefing.points)} points, {shared} reported by more than one article, '
        f"from {len(briefing.articles)} articles{seconds}</div></div>"
    )
