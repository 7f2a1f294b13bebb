"""Dates: a Greek month (any case, colloquial form or abbreviation) or weekday must come out as the
same English month or weekday, with the same day and year.

Matching runs on folded text (lower case, no accents; the same length as the original for NFC
Greek), and only capitalised words count: τρίτη is "third", Τρίτη is Tuesday.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from service.checks.flag import Flag
from service.checks.numbers import GreekNumber
from service.text import fold_greek

MONTHS_EN = "January February March April May June July August September October November December".split()
_MONTHS_EL = (
    r"ιανουαρ(?:ιοσ|ιου|ιο)|γεναρησ?",
    r"φεβρουαρ(?:ιοσ|ιου|ιο)|φλεβαρησ?",
    r"μαρτ(?:ιοσ|ιου|ιο|ησ|η)",
    r"απριλ(?:ιοσ|ιου|ιο|ησ|η)",
    r"μα(?:ιοσ|ιου|ιο|ησ|η)",
    r"ιουν(?:ιοσ|ιου|ιο|ησ|η)",
    r"ιουλ(?:ιοσ|ιου|ιο|ησ|η)",
    r"αυγουστ(?:οσ|ου|ο)",
    r"σεπτεμβρ(?:ιοσ|ιου|ιο|ησ|η)",
    r"οκτωβρ(?:ιοσ|ιου|ιο|ησ|η)",
    r"νοεμβρ(?:ιοσ|ιου|ιο|ησ|η)",
    r"δεκεμβρ(?:ιοσ|ιου|ιο|ησ|η)",
)
_ABBREVIATIONS_EL = (
    "ιαν",
    "φεβρ?",
    "μαρ",
    "απρ",
    "μαι",
    "ιουν",
    "ιουλ",
    "αυγ",
    "σεπτ?",
    "οκτ",
    "νοεμ?",
    "δεκ",
)
_MONTH_GROUPS = "|".join(
    f"(?P<m{i}>(?:{full})(?![^\\W\\d_])|(?:{abbr})\\.)"
    for i, (full, abbr) in enumerate(zip(_MONTHS_EL, _ABBREVIATIONS_EL, strict=True))
)
_DATE_EL = re.compile(
    rf"(?:(?<![\d.,])(?P<day>\d{{1,2}})(?:η|ησ)?\s+)?\b(?:{_MONTH_GROUPS})"
    r"(?:\s+(?:του\s+)?(?P<year>\d{4})(?!\d))?"
)
_NUMERIC_DATE_EL = re.compile(r"(?<![\d.,/])(\d{1,2})[/.](\d{1,2})[/.](\d{4}|\d{2})(?![\d/])")
WEEKDAYS_EN = "Monday Tuesday Wednesday Thursday Friday Saturday Sunday".split()
_WEEKDAYS_EL = re.compile(
    r"\b(?:(?P<d0>δευτερα[σ]?)|(?P<d1>τριτη[σ]?)|(?P<d2>τεταρτη[σ]?)|(?P<d3>πεμπτη[σ]?)"
    r"|(?P<d4>παρασκευη[σ]?)|(?P<d5>σαββατο[υ]?)|(?P<d6>κυριακη[σ]?))(?![^\W\d_])"
)
# English months as written in news copy: full, abbreviated (Aug, Aug., Sept) or in a numeric date.
_MONTH_EN = [
    re.compile(rf"\b{name[:3]}(?:{name[3:]}|t)?\b\.?") if name != "May" else re.compile(r"\bMay\b")
    for name in MONTHS_EN
]
_WEEKDAY_EN = [re.compile(rf"\b{name[:3]}(?:{name[3:]}|s|\.)?(?![a-z])") for name in WEEKDAYS_EN]
# Δευτέρα, Τρίτη, Τετάρτη, Πέμπτη are also the ordinals second to fifth (Τρίτη φορά, Δευτέρα Παρουσία).
_ORDINAL_EN = {0: "second", 1: "third", 2: "fourth", 3: "fifth"}
_NEXT_WORD_CAPITALISED = re.compile(r"\s+[^\W\d_]")


@dataclass
class DateCheck:
    """Greek dates found in one text: their spans, day/year figures to match, month flags."""

    spans: list[tuple[int, int]] = field(default_factory=list)
    figures: list[GreekNumber] = field(default_factory=list)
    months: list[tuple[str, int, str]] = field(default_factory=list)  # (Greek, month index, expected)
    weekdays: list[tuple[str, int, bool]] = field(default_factory=list)  # (Greek, index, sentence-initial)


def _folded(text: str) -> str:
    folded = fold_greek(text)
    return folded if len(folded) == len(text) else text.lower()


def _expected(month: int, day: str | None, year: str | None) -> str:
    return " ".join(p for p in (MONTHS_EN[month], f"{int(day)}," if day and year else day, year) if p)


def greek_dates(text: str) -> DateCheck:
    folded = _folded(text)
    found = DateCheck()
    for match in _DATE_EL.finditer(folded):
        month = next(i for i in range(12) if match.group(f"m{i}"))
        if not text[match.start(f"m{month}")].isupper():
            continue
        day, year = match.group("day"), match.group("year")
        expected = _expected(month, day, year)
        found.spans.append(match.span())
        found.months.append((text[match.start() : match.end()], month, expected))
        for group in ("day", "year"):
            if match.group(group):
                found.figures.append(
                    GreekNumber(
                        text[match.start() : match.end()],
                        match.start(group),
                        match.end(group),
                        float(match.group(group)),
                        expected,
                    )
                )
    for match in _NUMERIC_DATE_EL.finditer(text):
        day, month, year = (int(g) for g in match.groups())
        if not (1 <= day <= 31 and 1 <= month <= 12):
            continue
        found.spans.append(match.span())
        expected = _expected(month - 1, str(day), match.group(3))
        for value in (day, year):
            found.figures.append(
                GreekNumber(match.group(), match.start(), match.end(), float(value), expected)
            )
        found.months.append((match.group(), month - 1, expected))
    for match in _WEEKDAYS_EL.finditer(folded):
        following = _NEXT_WORD_CAPITALISED.match(text, match.end())
        if following and following.group()[-1].isupper():
            # part of a name (Παρασκευή Παπαδοπούλου, Δευτέρα Παρουσία): no weekday, and the
            # name check leaves a first name it cannot tell from a day alone
            found.spans.append(match.span())
            continue
        if text[match.start()].isupper():
            index = next(i for i in range(7) if match.group(f"d{i}"))
            before = text[max(0, match.start() - 3) : match.start()].strip()
            initial = match.start() == 0 or before[-1:] in '.!?;«"' or not before
            found.weekdays.append((text[match.start() : match.end()], index, initial))
            found.spans.append(match.span())
    return found


def month_and_weekday_flags(dates: DateCheck, english: str, numbers_in_english: set[float]) -> list[Flag]:
    """A `date` flag for each Greek month or weekday missing from the English."""
    flags = []
    for greek, month, expected in dates.months:
        numeric = bool(_NUMERIC_DATE_EL.search(english)) and float(month + 1) in numbers_in_english
        if not _MONTH_EN[month].search(english) and not numeric:
            message = f"The month in «{greek}» is not in the English (expected {MONTHS_EN[month]})."
            flags.append(Flag("date", greek, expected, message))
    for greek, index, initial in dates.weekdays:
        as_ordinal = _ORDINAL_EN.get(index)
        ordinal = initial and as_ordinal and re.search(rf"\b{as_ordinal}\b", english.lower())
        if not _WEEKDAY_EN[index].search(english) and not ordinal:
            message = f"The weekday «{greek}» is not in the English (expected {WEEKDAYS_EN[index]})."
            flags.append(Flag("date", greek, WEEKDAYS_EN[index], message))
    return flags
