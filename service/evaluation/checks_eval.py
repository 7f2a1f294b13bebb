"""The checker measured: false alarms on correct pairs, detection on corrupted copies of them.

Corruptions imitate what translation models do to news English: a number changed (one digit,
or a number word swapped), a number dropped (with its scale and unit), a name dropped (a run of
capitalised words that is not a month, weekday, title or institution). They are made with a
seeded random generator, so a report can be reproduced exactly.
"""

from __future__ import annotations

import random
import re
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field

from service.checks import KINDS, Glossary, check

_NUMBER = re.compile(r"[€$£]?(?<![\w.,])\d(?:[\d,.]*\d)?(?:st|nd|rd|th|s)?")
_NUMBER_DROP = re.compile(
    _NUMBER.pattern + r"(?:\s?(?:%|percent|per cent|bn|billion|million|thousand|m|k|am|pm)\b)?"
)
_NUMBER_WORDS = "two three four five six seven eight nine ten eleven twelve".split()
_NUMBER_WORD = re.compile(r"\b(?:" + "|".join(_NUMBER_WORDS) + r")\b", re.IGNORECASE)
_CAPITALISED = re.compile(r"\b[A-Z][\w’'-]*")
_RUN_JOINER = re.compile(r"\s+(?:(?:of|de|da|von der|van|al|bin)\s+)?")
# Capitalised English words that are not names: titles, institutions, calendar words.
_NOT_NAMES = frozenset(
    """
    I Minister Prime President Parliament Ministry Government Republic Party Union Council Commission
    Court University Bank Fund Agency Authority Service Sea Day Foreign Finance Health Defence Interior
    State Secretary General National Supreme Mayor Chancellor King Pope Labour Chief Office Committee
    Monday Tuesday Wednesday Thursday Friday Saturday Sunday January February March April May June
    July August September October November December Jan Feb Mar Apr Jun Jul Aug Sep Sept Oct Nov Dec
    MPs MEP MEPs GDP VAT No Yes The A An
    """.split()
)
_EXPECTED_KINDS = {
    "number_changed": ("number", "date"),
    "number_dropped": ("number", "date"),
    "name_dropped": ("name", "glossary"),
}


def change_number(english: str, rng: random.Random) -> str | None:
    """The English with one number changed: a digit replaced, or a number word swapped."""
    digits = list(_NUMBER.finditer(english))
    words = list(_NUMBER_WORD.finditer(english))
    if not digits and not words:
        return None
    match = rng.choice(digits or words)
    text = match.group()
    if match in words:
        others = [w for w in _NUMBER_WORDS if w != text.lower()]
        new = rng.choice(others)
        new = new.capitalize() if text[0].isupper() else new
    else:
        positions = [i for i, c in enumerate(text) if c.isdigit()]
        i = rng.choice(positions)
        first = i == positions[0]
        choices = [d for d in "0123456789" if d != text[i] and not (first and d == "0")]
        new = text[:i] + rng.choice(choices) + text[i + 1 :]
    return english[: match.start()] + new + english[match.end() :]


def drop_number(english: str, rng: random.Random) -> str | None:
    """The English with one number (and its scale or unit) left out."""
    found = list(_NUMBER_DROP.finditer(english)) or list(_NUMBER_WORD.finditer(english))
    if not found:
        return None
    match = rng.choice(found)
    return _tidy(english[: match.start()] + english[match.end() :])


def name_runs(english: str) -> list[tuple[int, int]]:
    """Spans of names in English: runs of capitalised words, split at titles and calendar words;
    a single capitalised word opening a sentence is left out (it may be any word)."""
    runs: list[list[re.Match[str]]] = []
    for word in _CAPITALISED.finditer(english):
        if word.group().rstrip("'’s") in _NOT_NAMES or word.group() in _NOT_NAMES:
            runs.append([])
            continue
        if runs and runs[-1] and _RUN_JOINER.fullmatch(english[runs[-1][-1].end() : word.start()]):
            runs[-1].append(word)
        else:
            runs.append([word])
    spans = []
    for run in filter(None, runs):
        start, end = run[0].start(), run[-1].end()
        opening = not english[:start].strip() or english[:start].rstrip()[-1] in '.!?"“'
        if len(run) == 1 and opening:
            continue
        spans.append((start, end))
    return spans


def drop_name(english: str, rng: random.Random) -> str | None:
    """The English with one name (a run of capitalised words, not a title or month) left out."""
    spans = name_runs(english)
    if not spans:
        return None
    start, end = rng.choice(spans)
    if english[end : end + 2] in ("'s", "’s"):
        end += 2
    return _tidy(english[:start] + english[end:])


def _tidy(text: str) -> str:
    return re.sub(r"\s+([,.;:])", r"\1", re.sub(r"\s{2,}", " ", text)).strip()


_CORRUPTORS: dict[str, Callable[[str, random.Random], str | None]] = {
    "number_changed": change_number,
    "number_dropped": drop_number,
    "name_dropped": drop_name,
}


@dataclass
class Detection:
    """How many corrupted pairs of one kind got a new flag of the matching kind."""

    corrupted: int
    detected: int

    @property
    def rate(self) -> float:
        return self.detected / self.corrupted if self.corrupted else 0.0


@dataclass
class ChecksReport:
    pairs: int
    flagged: int  # correct pairs with at least one flag: false alarms
    false_alarms_by_kind: dict[str, int]
    detection: dict[str, Detection]
    ms_per_600_words: float
    seed: int
    false_alarm_examples: list[dict] = field(default_factory=list)
    missed_examples: dict[str, list[dict]] = field(default_factory=dict)

    @property
    def false_alarm_rate(self) -> float:
        return self.flagged / self.pairs if self.pairs else 0.0

    def to_dict(self) -> dict:
        data = asdict(self)
        data["false_alarm_rate"] = self.false_alarm_rate
        data["false_alarm_rate_by_kind"] = {k: n / self.pairs for k, n in self.false_alarms_by_kind.items()}
        for name, detection in self.detection.items():
            data["detection"][name]["rate"] = detection.rate
        return data


def evaluate_checks(
    pairs: list[tuple[str, str]], seed: int = 0, glossary: Glossary | None = None, examples: int = 5
) -> ChecksReport:
    """False alarms of `check` on the pairs as given, detection on corrupted copies of them."""
    rng = random.Random(seed)
    check(*pairs[0], glossary)  # load the glossary and warm the caches before timing
    started = time.process_time()  # CPU time: steadier than wall time on a busy machine
    original = [check(greek, english, glossary) for greek, english in pairs]
    elapsed = time.process_time() - started
    words = sum(len(greek.split()) for greek, _ in pairs)
    by_kind = {k: sum(any(f.kind == k for f in flags) for flags in original) for k in KINDS}
    report = ChecksReport(
        pairs=len(pairs),
        flagged=sum(bool(flags) for flags in original),
        false_alarms_by_kind=by_kind,
        detection={},
        ms_per_600_words=elapsed / max(1, words) * 600 * 1000,
        seed=seed,
        false_alarm_examples=[
            {"greek": g, "english": e, "flags": [f.to_dict() for f in flags]}
            for (g, e), flags in zip(pairs, original, strict=True)
            if flags
        ][:examples],
    )
    for name, corrupt in _CORRUPTORS.items():
        kinds = _EXPECTED_KINDS[name]
        detection, missed = Detection(0, 0), []
        for (greek, english), flags in zip(pairs, original, strict=True):
            changed = corrupt(english, rng)
            if changed is None or changed == english:
                continue
            before = sum(f.kind in kinds for f in flags)
            after = sum(f.kind in kinds for f in check(greek, changed, glossary))
            detection.corrupted += 1
            if after > before:
                detection.detected += 1
            elif len(missed) < examples:
                missed.append({"greek": greek, "english": changed})
        report.detection[name] = detection
        report.missed_examples[name] = missed
    return report


def format_report(report: ChecksReport) -> str:
    """A plain-text table of the rates."""
    lines = [
        f"{'measure':<28}{'pairs':>8}{'flagged':>9}{'rate':>8}",
        f"{'false alarms (any kind)':<28}{report.pairs:>8}{report.flagged:>9}{report.false_alarm_rate:>8.1%}",
    ]
    for kind, n in report.false_alarms_by_kind.items():
        lines.append(
            f"{'  false alarms: ' + kind:<28}{report.pairs:>8}{n:>9}{n / max(1, report.pairs):>8.1%}"
        )
    for name, detection in report.detection.items():
        label = "detected: " + name.replace("_", " ")
        lines.append(f"{label:<28}{detection.corrupted:>8}{detection.detected:>9}{detection.rate:>8.1%}")
    cost = f"{report.ms_per_600_words:.1f} ms CPU per 600 Greek words"
    lines.append(f"checker cost: {cost} (seed {report.seed})")
    return "\n".join(lines)
