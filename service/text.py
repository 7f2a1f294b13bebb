"""Greek article text: normalisation, HTML extraction, language check, paragraphs and sentences.

The sentence splitter is hand-written on purpose: general-purpose splitters (NLTK punkt, spaCy's
multilingual sentencizer) do not know that `;` is the Greek question mark, that `·` (ano teleia)
is a semicolon, or the abbreviations of Greek news prose (κ., π.χ., δηλ., χλμ., Η.Π.Α.).
"""

from __future__ import annotations

import html
import re
import unicodedata
from dataclasses import dataclass
from typing import BinaryIO

from service.errors import InputError
from service.html_text import html_to_text

# Zero-width characters and BOMs that survive copy-paste from web pages.
_INVISIBLE = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff\u00ad"), None)
# C0/C1 control characters other than tab and newline.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
# "μίλησε.Η βουλή": a sentence end typed without its space (common in scraped text).
_MISSING_SPACE = re.compile(r"(?<=[α-ωάέήίόύώϊϋΐΰ]{2}[.;!?])(?=[Α-ΩΆΈΉΊΌΎΏ](?:[α-ωάέήίόύώ]|\s))")
_HSPACE = re.compile(r"[^\S\n]+")  # any whitespace except newline (NBSP, thin space, tabs…)
_QUOTES = str.maketrans({"“": "«", "”": "»", "„": "«", "‟": "«"})
_HTML_HINT = re.compile(
    r"<\s*(html|body|p|div|br|article|span|h[1-6]|a|script|style|li|ul|table|meta|head)\b",
    re.IGNORECASE,
)

# A word in Greek capitals (two letters or more) with an accented capital in it.
_CAPS_WORD = re.compile(r"\b[Α-ΩΆΈΉΊΌΎΏΪΫ]*[ΆΈΉΊΌΎΏ][Α-ΩΆΈΉΊΌΎΏΪΫ]*\b")
_SURROGATE = re.compile(r"[\ud800-\udfff]")

_GREEK_LETTER = re.compile(r"[\u0370-\u03ff\u1f00-\u1fff]")
_LATIN_LETTER = re.compile(r"[A-Za-z\u00c0-\u024f]")
MIN_GREEK_LETTERS = 20
MIN_GREEK_SHARE = 0.5


def decode_text(data: bytes, what: str) -> str:
    """UTF-8 text (a BOM is dropped); InputError naming `what` and the bad byte otherwise."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InputError(f"{what} is not UTF-8 text (bad byte at offset {exc.start})") from None


def input_byte_limit(max_chars: int) -> int:
    """The most bytes worth reading for one article of at most `max_chars` characters of text.

    parse_article refuses raw input over 4 × max_chars characters (markup included); a character is
    at most 6 bytes even as a JSON \\u escape; 64 KiB more leave room for a JSONL record's other
    fields. Readers stop here, so /dev/zero or 300 MB on stdin cost a few MB, not all memory.
    """
    return max_chars * 4 * 6 + 65_536


def too_long(size: str, max_chars: int) -> InputError:
    """The "too long" error for raw input, whoever noticed it (a reader or parse_article)."""
    return InputError(
        f"The input is too long ({size}); the limit is {max_chars:,} characters of article text."
    )


def read_capped(stream: BinaryIO, max_chars: int, what: str) -> str:
    """The UTF-8 text of `stream`, reading at most input_byte_limit(max_chars) + 1 bytes."""
    limit = input_byte_limit(max_chars)
    data = stream.read(limit + 1)
    if len(data) > limit:
        raise too_long(f"more than {limit:,} bytes", max_chars)
    return decode_text(data, what)


def looks_like_html(text: str) -> bool:
    return bool(_HTML_HINT.search(text))


def normalize(text: str) -> str:
    """NFC, HTML entities/tags, invisible and control characters, quotes and spaces.

    NFC also maps U+037E (Greek question mark) to ';' and U+0387 (ano teleia) to '·'.
    """
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\x00", "")
    if looks_like_html(text):
        text = html_to_text(text)
    text = html.unescape(text)
    text = unicodedata.normalize("NFC", text)
    text = unaccent_capitals(text)
    text = text.translate(_INVISIBLE)
    text = _CONTROL.sub(" ", text)
    text = text.translate(_QUOTES)
    text = text.replace("\u2028", "\n").replace("\u2029", "\n\n")
    text = _HSPACE.sub(" ", text)
    text = _MISSING_SPACE.sub(" ", text)
    lines = [line.strip() for line in text.split("\n")]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()


def unaccent_capitals(text: str) -> str:
    """Greek words in capitals take no accent: "ΕΛΛΗΝΙΚΆ" → "ΕΛΛΗΝΙΚΑ" ("Άρης" and "Ή" keep theirs).

    Only the tonos goes; a dialytika (Ϊ, Ϋ) stays, as Greek typesetting keeps it in capitals.
    """
    def strip_tonos(match: re.Match[str]) -> str:
        word = match.group(0)
        if len(word) < 2:
            return word
        return unicodedata.normalize("NFC", unicodedata.normalize("NFD", word).replace("\u0301", ""))

    return _CAPS_WORD.sub(strip_tonos, text)


def greek_share(text: str) -> tuple[int, float]:
    """Number of Greek letters and their share among Greek + Latin letters."""
    greek = len(_GREEK_LETTER.findall(text))
    latin = len(_LATIN_LETTER.findall(text))
    return greek, (greek / (greek + latin) if greek + latin else 0.0)


def check_greek(text: str) -> None:
    """Raise InputError with a one-line reason unless `text` is mostly Greek prose."""
    if not text.strip():
        raise InputError("The article is empty: paste or send some Greek text.")
    greek, share = greek_share(text)
    if greek < MIN_GREEK_LETTERS or share < MIN_GREEK_SHARE:
        raise InputError(
            f"The text does not look like Greek ({greek} Greek letters, {share:.0%} of all "
            "letters): this service summarises and translates Greek news articles."
        )


def split_paragraphs(text: str) -> list[str]:
    """Paragraphs of normalised text.

    With blank lines present they separate paragraphs and single newlines are soft wraps;
    without any, each line is a paragraph (typical of text copied from a web page).
    """
    blocks = re.split(r"\n\s*\n", text) if re.search(r"\n\s*\n", text) else text.split("\n")
    return [p for p in (re.sub(r"\s*\n\s*", " ", b).strip() for b in blocks) if p]


# Abbreviations that end in a period but do not end a sentence in Greek news prose, written
# without accents and in lower case (see fold_greek). Months appear as in "15 Ιαν. 2025".
ABBREVIATIONS = frozenset(
    """
    κ κκ π.χ δηλ κλπ κτλ χλμ δισ εκ εκατ αριθ αρ σελ βλ π.μ μ.μ π.κ.ε μ.κ.ε π.χ.
    ιαν φεβ φεβρ μαρ απρ ιουν ιουλ αυγ σεπ σεπτ οκτ νοε νοεμ δεκ
    δρ καθ υπ υφ στρατ αντιστρ αρχιεπ μητρ οδ λεωφ τηλ χιλ τετρ εκλ κος κα
    τρισ γρ κιλ λτ τμ στρ χγρ λεπ δευτ
    mr mrs dr st vs etc no
    """.split()
)
# Words that open a sentence, never a name: after an abbreviation, unit or acronym ("15 χλμ. Πλέον
# απομένουν", "του Κ.Κ.Ε. Στην ομιλία") a capitalised one of these means the period also ended the
# sentence, while a capitalised name ("ο κ. Μητσοτάκης", "π.χ. Αθήνα") does not. Folded forms (see
# fold_greek): the articles in every case and gender, σε + article, and sentence adverbs and
# connectives. "Από" and "Και" are left out on purpose: after a unit or "κλπ." they usually continue
# the sentence ("5 χλμ. Από την πόλη", "κλπ. Και έφυγαν").
SENTENCE_OPENERS = frozenset(
    """
    ο η το οι τα τον την τη του τησ των τουσ τισ ενασ ενα μια ενοσ μιασ
    στον στην στη στο στουσ στισ στα στου στησ στων
    πλεον επισησ ωστοσο παραλληλα ομωσ ακομη ακομα συμφωνα εξαλλου επιπλεον μαλιστα συγκεκριμενα
    παντωσ αντιθετα επομενωσ ετσι τελοσ σημερα χθεσ αυριο νωριτερα αργοτερα μεταξυ εντωμεταξυ
    αυτη αυτο αυτοσ αυτεσ αυτοι αυτα ολα ολοι σε με για κατα μετα προσ μεχρι εωσ υπο παρα χωρισ
    εκει οπωσ οταν ενω αν εαν ωσ δεν θα να
    """.split()
)
_FIRST_WORD = re.compile(r"[^\W\d_]+(?=\s)")  # a whole word: "Η.Π.Α." is not "Η"
# A candidate boundary: terminator run, optional closing quotes/brackets, then whitespace.
_BOUNDARY = re.compile(r"([.!?;…]+)([»”\"'’)\]]*)\s+")
_OPENERS = "«“\"'([–—- "
_DOTTED_ACRONYM = re.compile(r"^(?:\w\.){2,}$")  # Η.Π.Α. Ο.Η.Ε. Ε.Ε.
_LAST_TOKEN = re.compile(r"(\S+)$")


def fold_greek(token: str) -> str:
    """Lower case without accents: the form used for abbreviation and token matching."""
    decomposed = unicodedata.normalize("NFD", token.lower())
    return "".join(c for c in decomposed if not unicodedata.combining(c)).replace("ς", "σ")


def _is_abbreviation(text_before: str) -> bool:
    """Does the text end in an abbreviation (its final period not yet included)?"""
    match = _LAST_TOKEN.search(text_before)
    if not match:
        return False
    token = match.group(1).lstrip("«“\"'([")
    dotted = token + "."
    if _DOTTED_ACRONYM.match(dotted):
        return True
    folded = fold_greek(token)
    if folded in ABBREVIATIONS or folded.rstrip(".") in ABBREVIATIONS:
        return True
    # A single letter before a period is an initial (Β. Πούτιν), not a sentence end.
    return len(token) == 1 and token.isalpha()


def _starts_sentence(text: str) -> bool:
    """A new sentence starts with an upper-case letter or a digit, maybe after quotes/dashes."""
    first = text.lstrip(_OPENERS)[:1]
    return first.isupper() or first.isdigit()


def _opens_sentence(text: str) -> bool:
    """Does `text` begin with a capitalised word that only starts sentences (SENTENCE_OPENERS)?"""
    word = _FIRST_WORD.match(text.lstrip(_OPENERS))
    return bool(word) and word.group()[0].isupper() and fold_greek(word.group()) in SENTENCE_OPENERS


def split_sentences(paragraph: str) -> list[str]:
    """Sentences of one paragraph, Greek-aware.

    `;` ends a sentence (it is the Greek question mark), `·` does not (it is a semicolon);
    abbreviations and dotted acronyms do not end a sentence, unless the paragraph ends there or the
    next word is one that opens sentences (an article, σε + article, a sentence adverb);
    numbers such as 1.200 or 2,5 are never split because a boundary needs whitespace after it.
    """
    sentences: list[str] = []
    start = 0
    for match in _BOUNDARY.finditer(paragraph):
        end = match.end()
        rest = paragraph[end:]
        if not _starts_sentence(rest):
            continue
        bare_period = match.group(1) == "." and not match.group(2)
        if bare_period and _is_abbreviation(paragraph[start : match.start()]) and not _opens_sentence(rest):
            continue
        sentence = paragraph[start : match.end(2)].strip()
        if sentence:
            sentences.append(sentence)
        start = end
    tail = paragraph[start:].strip()
    if tail:
        sentences.append(tail)
    return sentences


@dataclass(frozen=True)
class Sentence:
    text: str
    paragraph: int  # index of the paragraph it belongs to


@dataclass(frozen=True)
class Article:
    """A normalised article: its text, paragraphs and sentences in reading order."""

    text: str
    paragraphs: list[str]
    sentences: list[Sentence]

    @property
    def sentence_texts(self) -> list[str]:
        return [s.text for s in self.sentences]


def parse_article(raw: str, max_chars: int | None = None, require_greek: bool = True) -> Article:
    """Normalise, check and split an article; raise InputError with a clear reason."""
    if not isinstance(raw, str):
        raise InputError(f"The article must be text (a string), not {type(raw).__name__}.")
    if (bad := _SURROGATE.search(raw)) is not None:
        # JSON can carry "\ud800" although no UTF-8 text can: it would fail when the result is written.
        raise InputError(
            f"The article holds an unpaired surrogate ({bad.group(0).encode('unicode_escape').decode()} at "
            f"character {bad.start():,}), which is not text: send valid UTF-8 / Unicode."
        )
    if max_chars is not None and len(raw) > max_chars * 4:
        # Cheap guard before HTML extraction: even markup-heavy pages rarely run 4× their text.
        raise too_long(f"{len(raw):,} characters", max_chars)
    text = normalize(raw)
    if max_chars is not None and len(text) > max_chars:
        raise InputError(
            f"The article is too long ({len(text):,} characters); the limit is {max_chars:,}. "
            "Split it, or raise DIGEST_MAX_CHARS."
        )
    if require_greek:
        check_greek(text)
    elif not text:
        raise InputError("The text is empty.")
    paragraphs = split_paragraphs(text)
    sentences = [
        Sentence(s, p_index)
        for p_index, paragraph in enumerate(paragraphs)
        for s in split_sentences(paragraph)
    ]
    return Article(text=text, paragraphs=paragraphs, sentences=sentences)
