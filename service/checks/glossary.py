"""Glossary: the English a newsroom wants for Greek names and terms, matched in any inflected form.

File format (UTF-8 TSV): `greek<TAB>english[<TAB>note]`, `#` comments and blank lines ignored.
Several lines for one Greek term: the first gives the preferred English, the others English forms
that are also right (ΗΠΑ → US, then U.S., United States). Greek words match through the stemmer
(Ρωσία, Ρωσίας), and terms whose words share stems (Γαλλία, Γάλλος) accept each other's English.
A user glossary overrides the shipped one term by term (`Glossary.default().merged(user)`).
"""

from __future__ import annotations

import re
import threading
from dataclasses import dataclass
from functools import cache
from importlib import resources
from pathlib import Path

from service.checks.flag import Flag
from service.checks.greek import Token, key, prefix, tokens
from service.errors import InputError
from service.text import fold_greek

_REMEMBERED = 4096  # find() results kept per glossary
_SUFFIX_EN = r"(?:['’]s|s|n|ns|an|ans|ian|ians|i|is)?"


@dataclass(frozen=True)
class Entry:
    greek: str
    english: tuple[str, ...]  # the preferred form first
    note: str = ""

    @property
    def keys(self) -> tuple[str, ...]:
        return tuple(key(t.text) for t in tokens(self.greek))


@dataclass(frozen=True)
class Match:
    """A glossary term found in Greek text."""

    text: str
    start: int
    end: int
    preferred: str  # the English to use
    accepted: tuple[str, ...]  # every English form that is right here


def _english_pattern(form: str) -> re.Pattern[str]:
    """Whole-word match; acronyms exactly (US, not "us"), also dotted (U.S.); names take s/n/ian."""
    if form.isupper() and len(form) <= 6 and "." not in form:
        dotted = re.escape(".".join(form) + ".")
        return re.compile(rf"(?<![\w.])(?:{re.escape(form)}|{dotted})(?:['’]s)?(?!\w)")
    flags = 0 if any(c.isupper() for c in form[1:]) else re.IGNORECASE
    return re.compile(rf"(?<![\w.]){re.escape(form)}{_SUFFIX_EN}(?!\w)", flags)


def _is_acronym(greek: str) -> bool:
    return greek.replace(".", "").isupper()


def _acronym_of(text: str, group: list[Entry]) -> bool:
    return _is_acronym(text) and any(_fold_term(text) == _fold_term(e.greek) for e in group)


def _fold_term(text: str) -> str:
    return fold_greek(text).replace(".", "")


class _LazyKeys:
    """key() of each word, computed on first use."""

    def __init__(self, words: list[Token]) -> None:
        self.words = words
        self.keys: list[str | None] = [None] * len(words)

    def __getitem__(self, i: int) -> str:
        if self.keys[i] is None:
            self.keys[i] = key(self.words[i].text)
        return self.keys[i]

    def slice(self, start: int, n: int) -> tuple[str, ...]:
        return tuple(self[i] for i in range(start, min(start + n, len(self.words))))


class Glossary:
    def __init__(self, entries: list[Entry]) -> None:
        self.entries: dict[str, Entry] = {}
        for entry in entries:  # later entries for the same term replace earlier ones
            self.entries[_fold_term(entry.greek)] = entry
        self._index: dict[str, dict[tuple[str, ...], list[Entry]]] = {}
        for entry in self.entries.values():
            keys = entry.keys
            if keys:
                self._index.setdefault(keys[0], {}).setdefault(keys, []).append(entry)
        self._found: dict[str, tuple[Match, ...]] = {}  # find() results by text
        self._found_lock = threading.Lock()
        # Compiled once here, not per call: the checks run on every line of every digest.
        self._patterns = {f: _english_pattern(f) for e in self.entries.values() for f in e.english}
        self._lowercase_openers = {
            fold_greek(e.greek.split()[0]) for e in self.entries.values() if not e.greek[:1].isupper()
        }
        self._prefixes = {prefix(e.greek.split()[0]) for e in self.entries.values()}
        self._opener_initials = {w[:1] for w in self._lowercase_openers} | {
            w[:1].upper() for w in self._lowercase_openers
        }
        # One-word terms by their folded form: the stemmer cuts short indeclinable names
        # (Ιράν → ιρ) differently from their derived forms (Ιρανός → ιραν).
        self._single: dict[str, tuple[tuple[str, ...], list[Entry]]] = {}
        for keys, group in (item for by_key in self._index.values() for item in by_key.items()):
            if len(keys) == 1:
                for entry in group:
                    folded = _fold_term(entry.greek)
                    if len(folded) >= 4:
                        self._single[folded] = (keys, group)

    def __len__(self) -> int:
        return len(self.entries)

    @classmethod
    def parse(cls, text: str, source: str = "glossary") -> Glossary:
        """Entries from TSV text; InputError naming the source and line for a malformed line."""
        by_term: dict[str, Entry] = {}
        for number, line in enumerate(text.splitlines(), 1):
            if not line.strip() or line.lstrip().startswith("#"):
                continue
            fields = [f.strip() for f in line.split("\t")]
            if len(fields) not in (2, 3) or not fields[0] or not fields[1]:
                raise InputError(
                    f"{source}, line {number}: expected greek<TAB>english[<TAB>note], got {line!r}"
                )
            term = _fold_term(fields[0])
            old = by_term.get(term)
            if old is None:
                by_term[term] = Entry(fields[0], (fields[1],), fields[2] if len(fields) == 3 else "")
            elif fields[1] not in old.english:
                by_term[term] = Entry(old.greek, (*old.english, fields[1]), old.note)
        return cls(list(by_term.values()))

    @classmethod
    def load(cls, path: str | Path) -> Glossary:
        path = Path(path)
        try:
            text = path.read_text(encoding="utf-8-sig")
        except (OSError, UnicodeDecodeError) as exc:
            raise InputError(f"Cannot read the glossary {path}: {exc}") from None
        return cls.parse(text, str(path))

    @staticmethod
    @cache
    def default() -> Glossary:
        """The shipped glossary of news names (service/data/glossary.tsv), loaded once."""
        text = resources.files("service.data").joinpath("glossary.tsv").read_text(encoding="utf-8")
        return Glossary.parse(text, "service/data/glossary.tsv")

    def merged(self, user: Glossary) -> Glossary:
        """This glossary with `user`'s terms added; a term in both takes the user's English."""
        return Glossary([*self.entries.values(), *user.entries.values()])

    def _by_prefix(self, word: str) -> dict[tuple[str, ...], list[Entry]]:
        """Terms of one word that this word starts with (Ιρανός → Ιράν), longest first."""
        folded = _fold_term(word)
        for end in range(len(folded) - 1, 3, -1):
            hit = self._single.get(folded[:end])
            if hit is not None:
                return {hit[0]: hit[1]}
        return {}

    def find(self, greek: str, words: list[Token] | None = None) -> list[Match]:
        """Glossary terms in Greek text, longest first at each word, no overlaps.

        Remembered per text: the service looks up each sentence three times (prepare_source before
        translation, check and consistency after). Bounded; cleared whole when full. One glossary
        serves every request thread: the memo is read and written under a lock, the lookup itself
        runs outside it (two threads may both compute a text; the results are equal)."""
        with self._found_lock:
            found = self._found.get(greek)
        if found is None:
            found = self._find(greek, tokens(greek) if words is None else words)
            with self._found_lock:
                if len(self._found) >= _REMEMBERED:
                    self._found.clear()
                self._found[greek] = found
        return list(found)

    def _find(self, greek: str, words: list[Token]) -> tuple[Match, ...]:
        keys = _LazyKeys(words)
        found, i = [], 0
        while i < len(words):
            # Stemming is the slow part: only words that can open a term are stemmed.
            word = words[i].text
            opens = (words[i].capitalised and prefix(word) in self._prefixes) or (
                word[:1] in self._opener_initials and fold_greek(word) in self._lowercase_openers
            )
            candidates = self._index.get(keys[i], {}) if opens else {}
            if opens and not candidates and len(word) > 4:
                candidates = self._by_prefix(word)
            best = None
            for term_keys, group in candidates.items():
                n = len(term_keys)
                if (n > 1 and keys.slice(i, n) != term_keys) or (best and n <= len(best[0])):
                    continue
                if group[0].greek[:1].isupper() and not words[i].capitalised:
                    continue  # ένωση is "union", Ένωση a name
                if n == 1 and _is_acronym(group[0].greek) and not _acronym_of(words[i].text, group):
                    continue  # ΔΕΗ must not match Δευτέρα, whose stem is as short
                best = (term_keys, group)
            if best is None:
                i += 1
                continue
            n, group = len(best[0]), best[1]
            start, end = words[i].start, words[i + n - 1].end
            text = greek[start:end]
            exact = next((e for e in group if _fold_term(e.greek) == _fold_term(text)), None)
            preferred = (exact or group[0]).english[0]
            if exact is None and len({e.english[0] for e in group}) > 1:
                preferred = ""  # Γάλλοι: France or French? verify only, do not rewrite
            accepted = tuple(dict.fromkeys(f for e in group for f in e.english))
            found.append(Match(text, start, end, preferred, accepted))
            i += n
        return tuple(found)

    def english_form(self, match: Match, english: str) -> str | None:
        """Which accepted English form of the term the English text uses, if any."""
        for form in match.accepted:
            if self._patterns[form].search(english):
                return form
        return None

    def prepare_source(self, greek: str) -> str:
        """Greek text with each glossary term replaced by its preferred English.

        Why this way: Marian (opus-mt) models copy Latin-script names through unchanged, since
        their training data is full of them, so the English form survives translation on both
        backends (transformers and CTranslate2) without constrained decoding, which CTranslate2
        does not offer for these models; placeholders such as TERM1 get translated or dropped.
        """
        out, last = [], 0
        for match in self.find(greek):
            if match.preferred:
                out += [greek[last : match.start], match.preferred]
                last = match.end
        return "".join([*out, greek[last:]])

    def verify(self, greek: str, english: str) -> list[Flag]:
        """A `glossary` flag for each term whose English is not in the translation."""
        return [unmet_flag(m) for m in self.find(greek) if self.english_form(m, english) is None]


def unmet_flag(match: Match) -> Flag:
    expected = match.preferred or match.accepted[0]
    return Flag(
        "glossary", match.text, expected, f"«{match.text}» should be translated «{expected}» (glossary)."
    )
