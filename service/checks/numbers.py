"""Numbers: every figure in the Greek must be in the English, in whatever English form.

Greek writes 1.200 (thousands) and 2,5 (decimals), 2,5 δισ. / εκατ. / χιλ. (billion, million,
thousand), 45% or 45 τοις εκατό, ordinals 3η / 1ος, and two to twelve as words. The English side
is read the English way (1,200; 2.5; €2.5bn; 2.5 billion; 3rd; third; two), so a model that
copies "1.200" (an English reader sees 1.2) is caught. Each English number can answer for one
Greek number only, so a figure that appears twice in the Greek must appear twice in the English.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_SCALES_EL = {"δισ": 1e9, "εκατ": 1e6, "χιλ": 1e3, "τρισ": 1e12}
_NUMBER_EL = re.compile(
    r"(?<![\d.,])(?P<num>\d{1,3}(?:\.\d{3})+(?![\d.])(?:,\d+)?|\d+\.\d+|\d+(?:,\d+)?)"
    r"(?P<ord>ος|ου|ον|ο|οι|ους|ων|ης|η|ες|α|ας|ός|ή|ού)?(?![^\W\d_])"
    r"(?:\s*%|\s+τοις\s+εκατό)?"
    r"(?:\s*(?P<scale>δισ(?:εκατομμύρι\w*|\.|\b)|εκατ(?:ομμύρι\w*|\.)|χιλ(?:ιάδ\w*|\.)"
    r"|τρισ(?:εκατομμύρι\w*|\.|\b)))?",
)
_TIME_EL = re.compile(r"(?<![\d.,])(\d{1,2}):(\d{2})(?![\d])")
_WORDS_EL = {
    "δύο": 2,
    "δυο": 2,
    "τρεις": 3,
    "τρία": 3,
    "τριών": 3,
    "τέσσερις": 4,
    "τέσσερα": 4,
    "τεσσάρων": 4,
    "πέντε": 5,
    "έξι": 6,
    "επτά": 7,
    "εφτά": 7,
    "οκτώ": 8,
    "οχτώ": 8,
    "εννέα": 9,
    "εννιά": 9,
    "δέκα": 10,
    "έντεκα": 11,
    "ένδεκα": 11,
    "δώδεκα": 12,
}  # ένα/μία also mean "a": they would flag every indefinite article, so they are left out
_WORD_EL = re.compile(
    r"\b(?P<word>" + "|".join(sorted(_WORDS_EL, key=len, reverse=True)) + r")\b"
    r"(?:\s+(?P<scale>δισεκατομμύρι\w*|δισ\.|εκατομμύρι\w*|εκατ\.|χιλιάδ\w*|χιλ\.))?",
    re.IGNORECASE,
)

_SCALES_EN = {
    "trillion": 1e12,
    "tn": 1e12,
    "trn": 1e12,
    "billion": 1e9,
    "bn": 1e9,
    "bln": 1e9,
    "b": 1e9,
    "million": 1e6,
    "mn": 1e6,
    "mln": 1e6,
    "m": 1e6,
    "thousand": 1e3,
    "k": 1e3,
}
_NUMBER_EN = re.compile(
    r"(?<![\d.,])(?P<num>\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?)(?:st|nd|rd|th|s)?"
    r"(?:\s*-?\s*(?P<scale>trillion|billion|million|thousand|tn|trn|bn|bln|mn|mln|b|m|k)\b)?"
    r"(?:\s*(?P<pm>[ap]\.?m\b\.?))?",
    re.IGNORECASE,
)
_ONES_EN = (
    "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen "
    "fifteen sixteen seventeen eighteen nineteen twenty"
).split()
_TENS = "twenty thirty forty fifty sixty seventy eighty ninety".split()
_TENS_EN = dict(zip(_TENS, range(20, 100, 10), strict=True))
_WORDS_EN = (
    {w: i for i, w in enumerate(_ONES_EN)}
    | _TENS_EN
    | {
        "first": 1,
        "second": 2,
        "third": 3,
        "fourth": 4,
        "fifth": 5,
        "sixth": 6,
        "seventh": 7,
        "eighth": 8,
        "ninth": 9,
        "tenth": 10,
        "eleventh": 11,
        "twelfth": 12,
        "both": 2,
        "twice": 2,
        "pair": 2,
        "couple": 2,
        "double": 2,
        "thrice": 3,
        "dozen": 12,
        "decade": 10,
        "half": 0.5,
        "hundred": 100,
        "thousand": 1e3,
        "million": 1e6,
        "billion": 1e9,
        "trillion": 1e12,
        "noon": 12,
        "midday": 12,
        "midnight": 0,
    }
)
_WORD_EN = re.compile(
    r"\b(?:(?P<tens>" + "|".join(_TENS_EN) + r")[- ](?P<unit>one|two|three|four|five|six|seven|eight|nine)"
    r"|(?P<word>" + "|".join(sorted(_WORDS_EN, key=len, reverse=True)) + r"))\b"
    r"(?:\s+(?P<scale>hundred|thousand|million|billion|trillion)\b)?",
    re.IGNORECASE,
)
_TIME_EN = re.compile(r"(?<![\d.,])(\d{1,2})[:.]\d{2}\s*([ap])\.?m\b", re.IGNORECASE)
_MAX_DIGITS = 24  # longer digit runs are codes or junk, not figures (and would overflow a float)
_ORDINAL_SUFFIX = {1: "st", 2: "nd", 3: "rd"}


@dataclass(frozen=True)
class GreekNumber:
    text: str
    start: int
    end: int
    value: float
    expected: str  # the English way to write it, for the flag


@dataclass(frozen=True)
class EnglishNumber:
    values: frozenset[float]
    raw: float
    decimals: int
    scale: float

    def answers(self, value: float) -> bool:
        if any(abs(value - v) <= 1e-9 * max(1.0, abs(value)) for v in self.values):
            return True
        # "1.2 million" for 1.234.567: a translator's rounding to the digits written.
        return (
            self.decimals > 0
            and self.scale > 1
            and abs(value / self.scale - self.raw) < 0.5 * 10**-self.decimals
        )


def _english_format(value: float) -> str:
    for word, scale in (("trillion", 1e12), ("billion", 1e9), ("million", 1e6)):
        if value >= scale and value % (scale / 1000) == 0:
            return f"{value / scale:g} {word}"
    return f"{value:,.10g}" if value != int(value) else f"{int(value):,}"


def _parse_greek(num: str) -> float:
    if "," in num or re.fullmatch(r"\d{1,3}(?:\.\d{3})+", num):
        return float(num.replace(".", "").replace(",", "."))
    return float(num)


def greek_numbers(text: str, skip: list[tuple[int, int]] = ()) -> list[GreekNumber]:
    """Figures in Greek text, each with its value; spans in `skip` (dates) are left out."""
    found: list[GreekNumber] = []
    taken = list(skip)

    def free(start: int, end: int) -> bool:
        return all(end <= s or start >= e for s, e in taken)

    for match in _TIME_EL.finditer(text):
        if free(match.start(), match.end()):
            taken.append(match.span())
            hour, minute = int(match.group(1)), int(match.group(2))
            found.append(GreekNumber(match.group(), match.start(), match.end(), hour, f"{hour}:{minute:02d}"))
            if minute:
                found.append(
                    GreekNumber(match.group(), match.start(), match.end(), minute, f"{hour}:{minute:02d}")
                )
    for match in _NUMBER_EL.finditer(text):
        if not free(match.start(), match.end()):
            continue
        if len(match.group("num")) > _MAX_DIGITS:
            continue
        value = _parse_greek(match.group("num"))
        scale = match.group("scale")
        if scale:
            value *= next(v for k, v in _SCALES_EL.items() if scale.startswith(k))
        expected = _english_format(value)
        if not scale and re.fullmatch(r"1\d{3}|20\d{2}", match.group("num")):
            expected = match.group("num")  # a year, written without a thousands separator
        if match.group("ord") and value == int(value):
            n = int(value)
            expected = f"{n}{'th' if 10 <= n % 100 <= 20 else _ORDINAL_SUFFIX.get(n % 10, 'th')}"
        elif "%" in match.group() or "εκατό" in match.group():
            expected += "%"
        found.append(GreekNumber(match.group().strip(), match.start(), match.end(), value, expected))
    for match in _WORD_EL.finditer(text):
        if free(match.start(), match.end()):
            value = float(_WORDS_EL[match.group("word").lower()])
            scale = match.group("scale")
            if scale:
                value *= next(v for k, v in _SCALES_EL.items() if scale.lower().startswith(k))
            found.append(
                GreekNumber(match.group(), match.start(), match.end(), value, _english_format(value))
            )
    return sorted(found, key=lambda n: n.start)


def english_numbers(text: str) -> list[EnglishNumber]:
    """Every reading of every figure in English text (digits, words, scales, times)."""
    found = []
    for match in _NUMBER_EN.finditer(text):
        num = match.group("num")
        if len(num) > _MAX_DIGITS:
            continue
        raw = float(num.replace(",", ""))
        decimals = len(num.split(".")[1]) if "." in num else 0
        values = {raw}
        scale_word = (match.group("scale") or "").lower()
        scale = _SCALES_EN.get(scale_word, 1.0)
        values.add(raw * scale)
        if match.group().endswith("s") and 1000 <= raw <= 2100 and raw % 10 == 0:
            values.add(raw % 100)  # the 1980s for the Greek δεκαετία του '80
        afternoon = (match.group("pm") or "").lower().startswith("p")
        if afternoon and raw < 12:
            values.add(raw + 12)
        if decimals == 2 and raw < 24 and scale == 1.0:  # 10.30am: an hour and its minutes
            hour = int(raw)
            values.update({hour, hour + 12} if afternoon and hour < 12 else {hour})
            found.append(EnglishNumber(frozenset({round(raw % 1 * 100)}), raw, 0, 1.0))
        found.append(EnglishNumber(frozenset(values), raw, decimals, scale))
    for match in _TIME_EN.finditer(text):  # 8:30 p.m. for 20:30: the hour read both ways
        hour = int(match.group(1))
        if match.group(2).lower().startswith("p") and hour < 12:
            found.append(EnglishNumber(frozenset({hour, hour + 12}), hour, 0, 1.0))
    for match in _WORD_EN.finditer(text):
        if match.group("tens"):
            raw = _TENS_EN[match.group("tens").lower()] + _ONES_EN.index(match.group("unit").lower())
        else:
            raw = _WORDS_EN[match.group("word").lower()]
        scale = _WORDS_EN[match.group("scale").lower()] if match.group("scale") else 1.0
        found.append(EnglishNumber(frozenset({raw, raw * scale}), raw, 0, scale))
    return found


def unmatched(greek: list[GreekNumber], english: list[EnglishNumber]) -> list[GreekNumber]:
    """Greek numbers left without an English number when each English one answers for at most one
    Greek one: a maximum bipartite matching (Kuhn's augmenting paths), so "τριών … 3 δισ." finds
    "three … €3 billion" whichever order they come in."""
    options = [[j for j, e in enumerate(english) if e.answers(n.value)] for n in greek]
    owner: dict[int, int] = {}  # English index -> Greek index

    def assign(i: int, seen: set[int]) -> bool:
        for j in options[i]:
            if j not in seen:
                seen.add(j)
                if j not in owner or assign(owner[j], seen):
                    owner[j] = i
                    return True
        return False

    matched = {i for i in range(len(greek)) if assign(i, set())}
    return [n for i, n in enumerate(greek) if i not in matched]
