"""DigestService.briefing(): parse and bound the articles, find the points, translate them in one call
through the digest's own translate path (its options and glossary, written into the Greek), and check
each English line as a digest's (service.digest_checks: flags, one name spelt two ways, a summary)."""

from __future__ import annotations

import time
from typing import TYPE_CHECKING

from service.briefing import (
    Briefing,
    BriefingArticle,
    BriefingPoint,
    article_label,
    check_count,
    too_long,
)
from service.briefing_points import PointPlan, considered, find_points
from service.config import EXTRACTIVE, check_bullets
from service.digest_checks import check_lines, summary
from service.errors import InputError
from service.text import Article
from service.translate import Progress, translate_sentences

if TYPE_CHECKING:
    from service.digest_service import DigestService


def parse_articles(service: DigestService, texts: list[str]) -> list[Article]:
    """Each article under the article limit, all of them under the briefing limit; InputError naming
    the article ("Article 2: …") otherwise."""
    limit = service.settings.max_briefing_chars
    check_count(texts, limit)
    articles = []
    for number, text in enumerate(texts, 1):
        try:
            articles.append(service.parse(text or ""))
        except InputError as exc:
            raise InputError(f"Article {number}: {exc}") from None
    total = sum(len(a.text) for a in articles)
    if total > limit:
        raise InputError(too_long(total, limit))
    return articles


def _note(plan: PointPlan, articles: int) -> str | None:
    """ "only in article 2" for a point only one of several articles reports."""
    alone = articles > 1 and len(plan.reported_by) == 1
    return f"only in article {plan.reported_by[0] + 1}" if alone else None


def build_briefing(
    service: DigestService, texts: list[str], bullets: int | None = None, progress: Progress | None = None
) -> Briefing:
    started = time.perf_counter()
    count = check_bullets(service.settings.bullets if bullets is None else bullets)
    articles = parse_articles(service, list(texts))
    parsed = time.perf_counter()
    sentences = [a.sentence_texts for a in articles]
    looked_at = considered(sentences)
    plans = find_points(sentences, count, looked_at)
    chosen = time.perf_counter()

    warnings: list[str] = []
    for number, (all_of, indices) in enumerate(zip(sentences, looked_at, strict=True), 1):
        if len(indices) < len(all_of):
            warnings.append(f"Article {number}: only {len(indices)} of its {len(all_of)} sentences were "
                            "considered for points (the earliest full ones).")
    if len(articles) == 1:
        warnings.append("Only one article: a briefing compares several articles on the same story.")
    if len(plans) < count:
        warnings.append(f"{len(plans)} point{'s' if len(plans) != 1 else ''} found ({count} asked for).")

    translator = service.translator
    english: list[str | None] = [None] * len(plans)
    if translator is not None:
        english = list(translate_sentences(
            translator, [p.el for p in plans], **service.translate_options(), progress=progress
        ))
    else:
        warnings.append(service.translator_warning())
    translated = time.perf_counter()

    points = [
        BriefingPoint(
            el=plan.el, en=en, sources=[{"article": s.article, "sentence": s.sentence} for s in plan.sources],
            reported_by=plan.reported_by, note=_note(plan, len(articles)), disagreements=plan.disagreements,
        )
        for plan, en in zip(plans, english, strict=True)
    ]
    checked = None
    if service.settings.checks and translator is not None:  # DIGEST_CHECKS; nothing to check without English
        lines = check_lines([(p.el, p.en or "") for p in points], service.glossary)
        for point, flags in zip(points, lines, strict=True):
            point.checks = [flag.to_dict() for flag in flags]
        checked = summary(lines)
    done = time.perf_counter()

    return Briefing(
        points=points,
        articles=[
            BriefingArticle(article_label(text, article), article.sentence_texts, len(indices))
            for text, article, indices in zip(texts, articles, looked_at, strict=True)
        ],
        models={"translator": translator.name if translator else None, "summarizer": EXTRACTIVE},
        timings={
            "parse": round(parsed - started, 4), "points": round(chosen - parsed, 4),
            "translate": round(translated - chosen, 4), "checks": round(done - translated, 4),
            "total": round(done - started, 4),
        },
        warnings=warnings,
        checks=checked,
    )
