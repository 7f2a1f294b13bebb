"""Summary quality: ROUGE-1/2/L (Greek-aware, service.evaluation.rouge) of the extractive key
points, of the abstractive summariser when one is configured, and of a lead-N baseline (the
article's first N sentences, the baseline news summarisation papers report), all against the
reference summaries of `{article, summary}` records.

Key points come from the service path (DigestService.digest_articles, no translator: only the
Greek is scored), so the numbers are those of what the digest shows.
"""

from __future__ import annotations

import time
from dataclasses import asdict, dataclass, field

from service.config import ABSTRACTIVE, EXTRACTIVE, NO_MODEL, Settings, with_overrides
from service.digest_service import DigestService
from service.errors import InputError
from service.evaluation.rouge import corpus_rouge
from service.text import Article

LEAD = "lead"


@dataclass
class SummaryScores:
    method: str  # lead-N, extractive or abstractive
    summarizer: str
    articles: int
    rouge1: float
    rouge2: float
    rougeL: float  # rouge-score's name
    seconds: float


@dataclass
class SummaryReport:
    source: str
    records: int
    bullets: int
    stem: bool
    rows: list[SummaryScores]
    skipped: list[str] = field(default_factory=list)  # one line per record that is not a usable article
    notes: list[str] = field(default_factory=list)  # fallbacks, an unavailable summariser

    def to_dict(self) -> dict:
        return asdict(self)


def _score(method: str, summarizer: str, candidates: list[str], references: list[str],
           stem: bool, seconds: float) -> SummaryScores:
    scores = corpus_rouge(candidates, references, stem=stem)
    return SummaryScores(method, summarizer, len(candidates), scores.rouge1, scores.rouge2, scores.rougeL,
                         round(seconds, 2))


def _service_summaries(service: DigestService, articles: list[Article], bullets: int,
                       method: str) -> tuple[list[str], list[str], float]:
    """(one summary text per article, the summariser behind each, seconds)."""
    started = time.perf_counter()
    digests = service.digest_articles(articles, bullets=bullets, method=method)
    seconds = time.perf_counter() - started
    texts = ["\n".join(b.el for b in d.bullets) for d in digests]
    return texts, [str(d.models["summarizer"]) for d in digests], seconds


def evaluate_summaries(
    records: list[tuple[str, str]],
    settings: Settings,
    *,
    bullets: int = 3,
    stem: bool = False,
    source: str = "records",
) -> SummaryReport:
    """ROUGE of lead-`bullets`, extractive and (when configured) abstractive summaries."""
    service = DigestService(with_overrides(settings, {"translator": NO_MODEL}))
    report = SummaryReport(source, len(records), bullets, stem, rows=[])
    articles: list[Article] = []
    references: list[str] = []
    for number, (text, reference) in enumerate(records, 1):
        try:
            articles.append(service.parse(text))
        except InputError as exc:  # one unusable article is reported, not the end of the run
            report.skipped.append(f"record {number}: {exc}")
            continue
        references.append(reference)
    if not articles:
        raise InputError(f"{source}: no usable article ({len(report.skipped)} skipped).")

    started = time.perf_counter()
    lead = ["\n".join(a.sentence_texts[:bullets]) for a in articles]
    report.rows.append(_score(f"{LEAD}-{bullets}", "first sentences", lead, references, stem,
                              time.perf_counter() - started))

    texts, _, seconds = _service_summaries(service, articles, bullets, EXTRACTIVE)
    report.rows.append(_score(EXTRACTIVE, EXTRACTIVE, texts, references, stem, seconds))

    if settings.summarizer in (EXTRACTIVE, NO_MODEL, ""):
        report.notes.append("No summariser configured (--summarizer, DIGEST_SUMMARIZER): no abstractive row.")
        return report
    if service.summarizer is None:
        status = service.status().summarizer
        report.notes.append(f"No abstractive row: {status.get('error')} {status.get('fix') or ''}".strip())
        return report
    texts, used, seconds = _service_summaries(service, articles, bullets, ABSTRACTIVE)
    fallbacks = used.count(EXTRACTIVE)
    if fallbacks:
        report.notes.append(
            f"The summariser gave no usable summary for {fallbacks} of {len(articles)} articles: "
            "the digest's extractive fallback is scored for those."
        )
    report.rows.append(_score(ABSTRACTIVE, service.summarizer.name, texts, references, stem, seconds))
    return report


def format_summary_report(report: SummaryReport) -> str:
    """Markdown table of the rows, then the notes and skipped records."""
    used = report.rows[0].articles
    lines = [
        f"Summaries of {report.source}: {used} articles scored of {report.records}, "
        f"{report.bullets} sentences or bullets each; ROUGE F1 x100, "
        f"Greek tokens folded{', stemmed' if report.stem else ''}",
        "",
        "| method | summariser | ROUGE-1 | ROUGE-2 | ROUGE-L | seconds |",
        "|---|---|---:|---:|---:|---:|",
    ]
    lines += [f"| {r.method} | {r.summarizer} | {r.rouge1:.2f} | {r.rouge2:.2f} | {r.rougeL:.2f} "
              f"| {r.seconds:.2f} |" for r in report.rows]
    if report.notes or report.skipped:
        lines.append("")
    lines += [f"note: {note}" for note in report.notes]
    lines += [f"skipped {line}" for line in report.skipped]
    return "\n".join(lines)
