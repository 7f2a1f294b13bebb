"""Greek and English word helpers shared by the checks: tokens, folded keys, sentence starts.

The Greek stemmer and the accent/case folding are the ones the extractive summariser uses; they
are imported here, in one place, so the checks follow any change to them.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache
from typing import NamedTuple

# The one import from the extractive summariser (service/extractive.py): its stemmer and stop
# words (GREEK_STOPWORDS is re-exported for names.py).
from service.extractive import GREEK_STOPWORDS as GREEK_STOPWORDS
from service.extractive import content_tokens
from service.text import fold_greek

# A word, or a dotted acronym such as Η.Π.Α. / ΕΛ.ΑΣ. / U.S. (kept whole so it can be looked up).
_TOKEN = re.compile(r"(?:[^\W\d_]{1,3}\.){2,}|[^\W\d_]+(?:['’][^\W\d_]+)?")
_GREEK = re.compile(r"[\u0370-\u03ff\u1f00-\u1fff]")
# What a sentence (or a quoted sentence) starts after: terminators, opening quotes, dashes.
_OPENING = frozenset('.!?;…:«“"([–—')
_VOWELS = "αεηιουω"


class Token(NamedTuple):
    text: str
    start: int
    end: int
    initial: bool  # opens a sentence or a quotation, so its capital letter says nothing

    @property
    def capitalised(self) -> bool:
        return self.text[:1].isupper()


def tokens(text: str) -> list[Token]:
    """Word tokens with offsets; dotted acronyms stay whole."""
    found = []
    previous_end = 0
    for match in _TOKEN.finditer(text):
        tail = text[previous_end : match.start()].rstrip()
        initial = not found or tail[-1:] in _OPENING
        found.append(Token(match.group(), match.start(), match.end(), initial))
        previous_end = match.end()
    return found


def is_greek(word: str) -> bool:
    return bool(_GREEK.search(word))


@lru_cache(maxsize=8192)
def key(word: str) -> str:
    """Folded, stemmed form that the inflected forms of one Greek word share.

    The Snowball stemmer alone gives Ρωσία → ρωσ but Ρωσίας → ρωσι, so trailing vowels are
    trimmed too (never below three letters).
    """
    folded = fold_greek(word).replace(".", "")
    stems = content_tokens(folded)
    stem = stems[0] if stems else folded
    while len(stem) > 3 and stem[-1] in _VOWELS:
        stem = stem[:-1]
    return stem


def strip_accents(text: str) -> str:
    decomposed = unicodedata.normalize("NFD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def prefix(word: str) -> str:
    """First four folded letters: inflection rarely reaches them (Αθήνα, Αθηνών), so a word whose
    prefix no list entry has can skip the slow stemmer."""
    return fold_greek(word).replace(".", "")[:4]
