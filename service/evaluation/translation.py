"""Translation quality of the configured model and backend: sacrebleu BLEU and chrF, the checker's
flag rate, speed, and the worst sentences; and the same on two backends side by side (the cost
of CTranslate2 int8 against PyTorch fp32).

The English comes from the service path (DigestService: the configured model, backend and batch
size), one segment per pair: evaluation sets are aligned segment by segment, so a source is not
split into sentences the way an article is.
"""

from __future__ import annotations

import time
from dataclasses import asdict, dataclass, field

from models.base import Seq2SeqModel
from service.checks import Glossary, check
from service.config import Settings, with_overrides
from service.digest_service import DigestService
from service.errors import UnavailableError
from service.translate import translate_sentences

WORST = 10  # worst sentences by chrF listed in a report


@dataclass
class Worst:
    chrf: float
    greek: str
    reference: str
    english: str


@dataclass
class TranslationScores:
    """One model and backend on one set of pairs. bleu and chrf on sacrebleu's 0-100 scale."""

    model: str
    backend: str
    pairs: int
    bleu: float
    bleu_signature: str
    chrf: float
    chrf_signature: str
    flagged: int  # outputs with at least one flag of service.checks
    flag_rate: float  # flagged / pairs
    words_per_second: float  # Greek source words translated per second (loading not counted)
    load_seconds: float
    seconds: float
    worst: list[Worst] = field(default_factory=list)
    english: list[str] = field(default_factory=list, repr=False)

    def to_dict(self) -> dict:
        data = asdict(self)
        del data["english"]
        return data


@dataclass
class TranslationReport:
    source: str
    runs: list[TranslationScores]

    def difference(self) -> dict[str, float] | None:
        """Second run minus first (e.g. ct2 - torch), when two backends were compared."""
        if len(self.runs) != 2:
            return None
        first, second = self.runs
        same = sum(a == b for a, b in zip(first.english, second.english, strict=True))
        return {
            "bleu": round(second.bleu - first.bleu, 2),
            "chrf": round(second.chrf - first.chrf, 2),
            "flag_rate": round(second.flag_rate - first.flag_rate, 4),
            "speed_ratio": round(second.words_per_second / first.words_per_second, 2)
            if first.words_per_second
            else 0.0,
            "identical_outputs": round(same / max(1, first.pairs), 4),
        }

    def to_dict(self) -> dict:
        runs = [r.to_dict() for r in self.runs]
        return {"source": self.source, "runs": runs, "difference": self.difference()}


def translate_with_service(
    service: DigestService, sources: list[str]
) -> tuple[Seq2SeqModel, list[str], float, float]:
    """(the model, English of each source, load seconds, translation seconds) through the service."""
    started = time.perf_counter()
    translator = service.translator  # loads it, once
    load_seconds = time.perf_counter() - started
    if translator is None:
        raise UnavailableError(service.translator_warning())
    started = time.perf_counter()
    english = translate_sentences(translator, sources, **service.translate_options())
    return translator, english, load_seconds, time.perf_counter() - started


def score_translations(
    pairs: list[tuple[str, str]],
    english: list[str],
    *,
    glossary: Glossary | None = None,
    worst: int = WORST,
) -> tuple[dict, list[Worst]]:
    """Corpus BLEU and chrF with their signatures, the flag count, and the `worst` pairs by chrF."""
    from sacrebleu.metrics import BLEU, CHRF

    references = [reference for _, reference in pairs]
    bleu, chrf = BLEU(), CHRF()
    bleu_score = bleu.corpus_score(english, [references])
    chrf_score = chrf.corpus_score(english, [references])
    per_sentence = [chrf.sentence_score(e, [r]).score for e, r in zip(english, references, strict=True)]
    order = sorted(range(len(pairs)), key=lambda i: per_sentence[i])[:worst]
    flagged = sum(bool(check(greek, en, glossary)) for (greek, _), en in zip(pairs, english, strict=True))
    scores = {
        "bleu": round(bleu_score.score, 2),
        "bleu_signature": str(bleu.get_signature()),
        "chrf": round(chrf_score.score, 2),
        "chrf_signature": str(chrf.get_signature()),
        "flagged": flagged,
        "flag_rate": round(flagged / len(pairs), 4),
    }
    worst_pairs = [Worst(round(per_sentence[i], 1), pairs[i][0], pairs[i][1], english[i]) for i in order]
    return scores, worst_pairs


def evaluate_translation(
    pairs: list[tuple[str, str]],
    settings: Settings,
    backends: list[str] | None = None,
    *,
    source: str = "pairs",
    glossary: Glossary | None = None,
) -> TranslationReport:
    """Translate the Greek of `pairs` with the configured model on each of `backends` (default: the
    configured one) and score each run against the English of the pairs."""
    sources = [greek for greek, _ in pairs]
    words = sum(len(greek.split()) for greek in sources)
    runs = []
    for backend in backends or [settings.backend]:
        service = DigestService(with_overrides(settings, {"backend": backend}))
        model, english, load_seconds, seconds = translate_with_service(service, sources)
        scores, worst = score_translations(pairs, english, glossary=glossary)
        runs.append(
            TranslationScores(
                model=model.name,
                backend=model.info.backend,  # what ran: "auto" resolves to torch or ct2
                pairs=len(pairs),
                words_per_second=round(words / seconds, 1) if seconds else 0.0,
                load_seconds=round(load_seconds, 2),
                seconds=round(seconds, 2),
                worst=worst,
                english=english,
                **scores,
            )
        )
    return TranslationReport(source, runs)


def format_translation_report(report: TranslationReport) -> str:
    """Markdown: one row per run, the difference of two runs, then each run's worst sentences."""
    lines = [
        f"Translation of {report.source}: {report.runs[0].pairs} pairs",
        "",
        "| model | backend | BLEU | chrF | flagged | words/s | load s | translate s |",
        "|---|---|---:|---:|---:|---:|---:|---:|",
    ]
    for r in report.runs:
        lines.append(
            f"| {r.model} | {r.backend} | {r.bleu:.2f} | {r.chrf:.2f} | {r.flag_rate:.1%} ({r.flagged}) "
            f"| {r.words_per_second:.1f} | {r.load_seconds:.2f} | {r.seconds:.2f} |"
        )
    difference = report.difference()
    if difference:
        first, second = report.runs[0].backend, report.runs[1].backend
        lines += [
            "",
            f"{second} - {first}: BLEU {difference['bleu']:+.2f}, chrF {difference['chrf']:+.2f}, "
            f"flag rate {difference['flag_rate']:+.1%}, speed x{difference['speed_ratio']:.2f}, "
            f"identical outputs {difference['identical_outputs']:.1%}",
        ]
    lines += ["", f"BLEU signature: {report.runs[0].bleu_signature}",
              f"chrF signature: {report.runs[0].chrf_signature}"]
    for r in report.runs:
        lines += ["", f"Worst {len(r.worst)} by chrF ({r.backend}):", "",
                  "| chrF | Greek | reference | English |", "|---:|---|---|---|"]
        lines += [f"| {w.chrf:.1f} | {_cell(w.greek)} | {_cell(w.reference)} | {_cell(w.english)} |"
                  for w in r.worst]
    return "\n".join(lines)


def _cell(text: str) -> str:
    """Text safe in a Markdown table cell."""
    return text.replace("|", "\\|").replace("\n", " ")
