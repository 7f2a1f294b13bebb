"""Names: capitalised Greek words that do not open a sentence (and runs of them, Κιμ Γιονγκ Ουν)
must have a plausible English rendering.

Transliteration is a small table here on purpose: the PyPI packages that romanise Greek either map
letter by letter (anyascii, unidecode: Πούτιν → "Poytin") or run JavaScript through js2py
(greek-to-greeklish), and ICU's Greek-Latin/UNGEGN transform needs the ICU C library. `elot743`
follows ELOT 743 / ISO 843 (what a flag shows); matching uses a looser sound key on both sides
(μπ/b, ντ/d, ου/u/oo, η ι υ ει οι/i/y, χ/h/ch/kh …) compared with rapidfuzz, so Putin, Lavrov,
Kim Jong-un, Hatzidakis and Chatzidakis all match their Greek.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from rapidfuzz import fuzz, process

from service.checks.greek import GREEK_STOPWORDS, Token, is_greek, key, prefix, strip_accents, tokens
from service.text import fold_greek

_ELOT_DIGRAPHS = [
    ("ου", "ou"),
    ("μπ", "mp"),
    ("ντ", "nt"),
    ("γγ", "ng"),
    ("γκ", "gk"),
    ("γξ", "nx"),
    ("γχ", "nch"),
]
_ELOT_LETTERS = dict(
    zip(
        "αβγδεζηθικλμνξοπρσςτυφχψω",
        "a v g d e z i th i k l m n x o p r s s t y f ch ps o".split(),
        strict=True,
    )
)
_AV_BEFORE_VOICED = set("αεηιουωβγδζλμνρ")
# Sound key for Greek: digraph sounds first (accents still on, so άι stays two vowels).
_SOUND_EL = [
    ("ευ", "ev"),
    ("εύ", "ev"),
    ("αυ", "av"),
    ("αύ", "av"),
    ("ου", "u"),
    ("ού", "u"),
    ("αι", "e"),
    ("αί", "e"),
    ("ει", "i"),
    ("εί", "i"),
    ("οι", "i"),
    ("οί", "i"),
    ("μπ", "mp"),
    ("ντ", "d"),
    ("γκ", "ng"),
    ("γγ", "ng"),
    ("τζ", "tz"),
    ("γι", "j"),
    ("γει", "j"),
]
_SOUND_EL_INITIAL = {"μπ": "b", "ντ": "d", "γκ": "g"}  # a word-initial μπ/ντ/γκ sounds b/d/g
# The sound key reads θ as t, υ as i, ξ as ks and χ as h (Hatzidakis, Zakharova → h).
_SOUND_LETTERS = _ELOT_LETTERS | {"θ": "t", "υ": "i", "ξ": "ks", "χ": "h"}
_SOUND_EN = [
    (re.compile(r"^y(?=[aeiou])|^gi(?=[aeiou])|dzh|dj|j"), "tz"),
    (re.compile(r"sch|sh|sz"), "s"),
    (re.compile(r"kh|ch"), "h"),
    (re.compile(r"ph"), "f"),
    (re.compile(r"th"), "t"),
    (re.compile(r"ck|c|q"), "k"),
    (re.compile(r"x"), "ks"),
    (re.compile(r"w"), "v"),
    (re.compile(r"eu"), "ev"),
    (re.compile(r"oo|ou"), "u"),
    (re.compile(r"ee|y"), "i"),
    (re.compile(r"(?<=[^aeiou])h|^h(?=[^aeiou])"), ""),
]
# Endings of Greek common nouns and adjectives (Ανάκαμψη, Συμμαχία, Πανελλαδικές, Γλυπτών,
# Προάστια) that news capitalises but translators translate; names rarely end so. Accents count:
# neuter plural -ια, not -ιά (Χανιά).
_COMMON_ENDING = re.compile(
    r"(?:μένων|μένος|μένη|μένο|μένες|μένοι|ούς|[σξψ]η|[σξψ]ης|ματα|ματος|μα|ικ(?:ός|ή|ό|οί|ές|ά|ής|ού|ών|ών)|ών|[εί]ία|[εί]ίας|ία|ίας|εία|είας|είο|είου"
    r"|ισμός|ισμού|τήριο|τηρίου|ότητα|ότητας|[^ιί]ια)$"
)
_INFLECTION = re.compile(r"(?:ου|ος|ός|ας|άς|ης|ής|ων|ών|ες|ούς|ους|α|ά|η|ή|ο|ό|ι|ί)$")
_GENITIVE = re.compile(r"(?:ου|ού|ων|ών|ής)$")
_NUMERAL_SIGNS = ("΄", "ʹ", "'", "’")
_DOUBLE = re.compile(r"(.)\1+")
_VOWEL = re.compile(r"[aeiou]+")
_UNVOICED = str.maketrans("bdgvz", "ptkfs")  # consonant keys ignore voicing: Τραμπ/Trump, Σολτς/Scholz
_WORD_EN = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]+)?")
# Capitalised Greek words that are not names: institutions, titles, ministries, holidays.
# They are translated, not transliterated, and a careful translator may rephrase them freely.
_COMMON_WORDS = """
    Υπουργείο Υπουργός Υπουργικό Υφυπουργός Συμβούλιο Κυβέρνηση Κυβερνητικός Πρόεδρος Πρωθυπουργός
    Δημοκρατία Δήμος Δήμαρχος Δημοτικό Περιφέρεια Περιφερειάρχης Πανεπιστήμιο Δικαστήριο Εφετείο
    Αστυνομία Πυροσβεστική Υπηρεσία Λιμενικό Σώμα Στρατός Ένοπλες Δυνάμεις Εθνικό Εθνική Ελληνικό
    Ελληνική Ελληνικής Δημόσιο Άγιος Αγία Αγίου Πλατεία Οδός Λεωφόρος Νοσοκομείο Σχολή Ινστιτούτο
    Κέντρο Ταμείο Τράπεζα Οργανισμός Επιτροπή Αρχή Αρχές Γενική Γραμματεία Διεύθυνση Εσωτερικών
    Εξωτερικών Οικονομικών Υγείας Παιδείας Άμυνας Δικαιοσύνης Ανάπτυξης Εργασίας Μεταφορών Υποδομών
    Τουρισμού Πολιτισμού Ενέργειας Περιβάλλοντος Μετανάστευσης Προστασίας Πολίτη Ψηφιακής
    Διακυβέρνησης Ναυτιλίας Αγροτικής Οικονομίας Κλιματικής Κρίσης Πολιτικής Κοινωνικής Συνοχής
    Οικογένειας Θρησκευμάτων Αθλητισμού Εθνικής Εθνικών Κεντρική Κεντρικής Ανώτατο Ανώτατη Συμβουλίου
    Δήμου Περιφέρειας Νομός Νομού Κόμμα Κόμματος Σύνοδος Συνόδου Κορυφής Ολομέλεια Επιτροπής
    Κοινοβούλιο Κοινοβουλίου Θεός Θεού Εκκλησία Εκκλησίας Μητρόπολη Ιερά Σύνοδο Χρηματιστήριο
    Χρηματιστηρίου Γενικός Γενικό Γραμματέας Εισαγγελέας Εισαγγελία Αρείου Πάγου Συμβούλιο Επικρατείας
    Ελεγκτικό Ομοσπονδία Ένωσης Σύνδεσμος Συνδέσμου Ίδρυμα Ιδρύματος Μουσείο Μουσείου Λιμάνι Αεροδρόμιο
    Διεθνές Διεθνής Διεθνούς Παγκόσμιο Παγκόσμια Παγκόσμιος Ευρωπαϊκό Ευρωπαϊκή Ευρωπαϊκού Κρατικό
    Πολιτεία Κράτος Αντιπρόεδρος Βουλευτής Ευρωβουλευτής Καγκελάριος Υπουργών Πρωθυπουργού Προέδρου
    Οικονομικό Οικονομική Επιμελητήριο Επιμελητηρίου Σωματείο Αστυνομίας Πυροσβεστικής Ανατολή Δύση
    Δείκτης Δείκτη Ρίχτερ Κελσίου Ομάδα Ομάδας Μέγαρο Μεγάρου Σκηνή Σκηνής Θέατρο Θεάτρου Ορχήστρα
    Φεστιβάλ Γραφείο Γραφείου Πρεσβεία Πρεσβείας Προξενείο Σταθμός Σταθμού Γέφυρα Όρος Ποταμός Λίμνη
    Κόλπος Ακτή Πάρκο Στάδιο Σταδίου Γήπεδο Μονή Μονής Ναός Ναού Κάστρο Ανάκτορο Βιβλιοθήκη Αρχείο
    Σχολείο Λύκειο Γυμνάσιο Ακαδημία Ακαδημίας Πολυτεχνείο Πολυτεχνείου Κολέγιο Λυρικής Λυρική
    Βόρεια Νότια Ανατολική Δυτική Κεντρική Μέση Ανατολής Δυτικής Βόρειας Νότιας Ανατολικής Άπω
""".split()
COMMON_CAPITALISED = frozenset(key(w) for w in _COMMON_WORDS)
_COMMON_PREFIXES = frozenset(prefix(w) for w in _COMMON_WORDS)


def is_common(word: str) -> bool:
    """A capitalised Greek word that is an institution, title or the like, not a name."""
    return prefix(word) in _COMMON_PREFIXES and key(word) in COMMON_CAPITALISED


def elot743(greek: str) -> str:
    """ELOT 743 / ISO 843 (type 2) romanisation of Greek words, capitals kept."""
    out = []
    for word in re.split(r"(\W+)", greek):
        if not word or not is_greek(word):
            out.append(word)
            continue
        lower = strip_accents(word.lower()).replace("ς", "σ")
        latin, i = "", 0
        while i < len(lower):
            pair, nxt = lower[i : i + 2], lower[i + 2 : i + 3]
            if pair in ("αυ", "ευ", "ηυ"):
                latin += _ELOT_LETTERS[pair[0]] + ("v" if nxt in _AV_BEFORE_VOICED else "f")
                i += 2
            elif pair == "μπ" and (i == 0 or i + 2 == len(lower)):
                latin, i = latin + "b", i + 2
            elif pair in dict(_ELOT_DIGRAPHS):
                latin, i = latin + dict(_ELOT_DIGRAPHS)[pair], i + 2
            else:
                latin, i = latin + _ELOT_LETTERS.get(lower[i], lower[i]), i + 1
        out.append(latin.upper() if word.isupper() and len(word) > 1 else latin.capitalize())
    return "".join(out)


@lru_cache(maxsize=8192)
def greek_sound(word: str) -> str:
    """Loose sound key of one Greek word (lower case, digraphs first)."""
    text = word.lower().replace("ς", "σ")
    text = _SOUND_EL_INITIAL.get(strip_accents(text[:2]), text[:2]) + text[2:]
    for greek, latin in _SOUND_EL:
        text = text.replace(greek, latin)
    text = strip_accents(text)
    return _DOUBLE.sub(r"\1", "".join(_SOUND_LETTERS.get(c, c) for c in text).replace("j", "tz"))


@lru_cache(maxsize=8192)
def english_sound(word: str) -> str:
    """The same sound key for an English (Latin-script) word."""
    text = strip_accents(word.lower().replace("’", "'").split("'")[0])
    for pattern, replacement in _SOUND_EN:
        text = pattern.sub(replacement, text)
    return _DOUBLE.sub(r"\1", text)


@dataclass(frozen=True)
class NameRun:
    """Consecutive capitalised Greek words that are not sentence-initial: one name."""

    words: tuple[Token, ...]

    @property
    def text(self) -> str:
        return " ".join(t.text for t in self.words)


def name_runs(
    greek: str, skip: list[tuple[int, int]] = (), keep_nouns: bool = False, words: list[Token] | None = None
) -> list[NameRun]:
    """Candidate names: capitalised, not opening a sentence, not a stop word or (unless
    `keep_nouns`) a common noun that news capitalises. `words`: tokens(greek) if already made."""
    runs: list[list[Token]] = []
    common_end = -2  # where the last institution word ended
    for token in tokens(greek) if words is None else words:
        if not token.capitalised or token.initial or any(s <= token.start < e for s, e in skip):
            continue
        if greek[token.end : token.end + 1] in _NUMERAL_SIGNS:
            continue  # ΙΔ΄: a Greek numeral, not a name
        if is_greek(token.text):
            if fold_greek(token.text) in GREEK_STOPWORDS:
                continue
            # A genitive right after an institution word names the institution (Φεστιβάλ
            # Κινηματογράφου, Μέγαρο Μουσικής): translated with it, not transliterated.
            of_institution = token.start - common_end <= 1 and _GENITIVE.search(token.text.lower())
            if not keep_nouns and is_common(token.text):
                common_end = token.end
                continue
            if not keep_nouns and (_COMMON_ENDING.search(token.text.lower()) or of_institution):
                continue
        elif len(token.text) < 3:
            continue
        if (
            runs
            and token.start - runs[-1][-1].end <= 1
            and greek[runs[-1][-1].end : token.start] in ("", " ", "-")
        ):
            runs[-1].append(token)
        else:
            runs.append([token])
    return [NameRun(tuple(run)) for run in runs]


class EnglishWords:
    """The English side, prepared once for many name look-ups."""

    def __init__(self, english: str) -> None:
        words = list(dict.fromkeys(_WORD_EN.findall(english.replace("-", " "))))
        # Greek dropped the h of names English took long ago (Ηρώδειο / Herodeon): try both.
        h_words = [w for w in words if w[:1] in "Hh" and w[1:2] in "aeiouy"]
        self.words = words + h_words
        self.sounds = [english_sound(w) for w in words] + [english_sound(w)[1:] for w in h_words]
        self.consonants = [_consonants(s) for s in self.sounds]
        self.lower = {w.lower() for w in self.words}

    def find(self, word: str) -> str | None:
        """The English word that renders this Greek (or Latin) word, if any."""
        if not is_greek(word):  # a Latin-script name in the Greek (Apple, iPhone): kept, maybe inflected
            if word.lower() in self.lower:
                return word
            return self._best(english_sound(word), self.sounds, 85)
        if word.isupper() and elot743(word).lower() in self.lower:
            return elot743(word)  # an acronym spelt out letter by letter: ΓΣΕΕ / GSEE
        sound = greek_sound(word)
        if len(sound) < 3:
            return next((w for w, s in zip(self.words, self.sounds, strict=True) if s == sound), None)
        return (
            self._best(sound, self.sounds, 75 if len(sound) <= 5 else 78)
            # a Greek genitive or accusative is shorter: compare with the English word's start
            or self._best(sound, [s[: len(sound)] if len(s) > len(sound) else "" for s in self.sounds], 88)
            or self._by_stem(word)
            or self._by_consonants(sound)
        )

    def _best(self, sound: str, choices: list[str], cutoff: float) -> str | None:
        best = process.extractOne(sound, choices, scorer=fuzz.ratio, score_cutoff=cutoff)
        return self.words[best[2]] if best else None

    def _by_stem(self, word: str) -> str | None:
        """Πύλου / Pylos: the Greek ending is not the English one, so compare what precedes it."""
        stem = greek_sound(_INFLECTION.sub("", word))
        if len(stem) < 3:
            return None
        return self._best(stem, [s[: len(stem)] for s in self.sounds], 100 if len(stem) == 3 else 88)

    def _by_consonants(self, sound: str) -> str | None:
        """Vowels vary most (Όρμπαν / Orban, Σολτς / Scholz) ... but not so much that Γιώργος
        (tzorgos) passes for "years" (tzears): the whole words must still look alike."""
        consonants = _consonants(sound)
        if len(consonants) < 3:
            return None
        for _, _, i in process.extract(consonants, self.consonants, scorer=fuzz.ratio, score_cutoff=85):
            if len(self.consonants[i]) >= 3 and fuzz.ratio(sound, self.sounds[i]) >= 65:
                return self.words[i]
        return None


@lru_cache(maxsize=8192)
def _consonants(sound: str) -> str:
    return _DOUBLE.sub(r"\1", _VOWEL.sub("", sound).translate(_UNVOICED))


def find_run(run: NameRun, english: EnglishWords) -> list[tuple[Token, str]]:
    """(Greek word, English word) for each word of the run found in the English."""
    found = []
    for token in run.words:
        match = english.find(token.text)
        if match is not None:
            found.append((token, match))
    return found


# English words capitalised for reasons other than being a name from the Greek: titles and
# words a translator capitalises (President, Minister), calendar words, pronouns.
_ENGLISH_NOT_NAMES = frozenset(
    """i mr mrs ms dr prof president prime minister ministry chancellor premier king queen prince
    princess pope saint st mount lake river sea ocean north south east west northern southern eastern
    western central january february march april may june july august september october november
    december monday tuesday wednesday thursday friday saturday sunday the a an of and in on at for
    to by with from""".split()
)
# Words that open English sentences for grammar's sake; any other capitalised first word may be
# a name ("Lisbon is…").
_SENTENCE_STARTERS = frozenset(
    """a an the this that these those there here it its he she they we you i his her their our my your
    in on at for to from by with after before during since while when as if but and or so yet however
    also meanwhile according more most some many several all both each every no not one two three
    about over under nearly almost around only just even still what who which where why how""".split()
)
_CAPITALISED_EN = re.compile(r"(?<![\w'’])[A-Z][\w'’-]*")
_SENTENCE_OPENERS = frozenset('.!?:"“«(')


def unexplained_capitals(english: str, explained: set[str]) -> list[str]:
    """Capitalised English words, not opening a sentence, that no Greek name or term accounts for:
    where one is left, a Greek name the sound key missed may be rendered by it."""
    spare = []
    for match in _CAPITALISED_EN.finditer(english):
        before = english[: match.start()].rstrip()
        word = match.group().split("'")[0].split("’")[0]
        if word.lower() in explained or word.lower() in _ENGLISH_NOT_NAMES:
            continue
        if (not before or before[-1] in _SENTENCE_OPENERS) and word.lower() in _SENTENCE_STARTERS:
            continue  # a common word capitalised because it opens a sentence or a quotation
        spare.append(word)
    return spare


def resembles(name: list[Token], english_word: str) -> bool:
    """A loose likeness of a Greek name (its words) and an English word: the start of their
    consonant skeletons, or half the letters of their sound keys."""
    sound = english_sound(english_word)
    for token in name:
        greek = greek_sound(token.text) if is_greek(token.text) else english_sound(token.text)
        if fuzz.ratio(greek, sound) >= 50 or _consonants(greek)[:2] == _consonants(sound)[:2]:
            return True
    return False
