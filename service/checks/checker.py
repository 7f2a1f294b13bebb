"""check(): one Greek/English pair; unsupported(): an abstractive bullet against its sources;
consistency(): one Greek name rendered two ways within a digest or batch group."""

from __future__ import annotations

from rapidfuzz import fuzz, process

from service.checks.dates import DateCheck, greek_dates, month_and_weekday_flags
from service.checks.flag import Flag
from service.checks.glossary import Glossary, Match, unmet_flag
from service.checks.greek import Token, key, tokens
from service.checks.names import (
    EnglishWords,
    elot743,
    find_run,
    is_common,
    name_runs,
    resembles,
    unexplained_capitals,
)
from service.checks.numbers import GreekNumber, english_numbers, greek_numbers, unmatched
from service.text import fold_greek


def _figures(greek: str) -> tuple[list[GreekNumber], list[GreekNumber], DateCheck]:
    """Day and year figures of dates, the other figures, and the dates themselves."""
    dates = greek_dates(greek)
    return dates.figures, greek_numbers(greek, skip=dates.spans), dates


def check(greek: str, english: str, glossary: Glossary | None = None) -> list[Flag]:
    """Flags for what the English may have lost or changed: numbers, dates, names, glossary terms.

    Without a glossary the shipped one still tells how names are written in English, but an
    unmet term only counts when no transliteration of it is in the English either (a `name`
    flag); with a glossary each unmet term is a `glossary` flag.

    A name is flagged only when the English has no capitalised word left over that could render
    it: translators translate names (Νέας Σκωτίας / Nova Scotia) and respell them past any sound
    key, and a false alarm costs the reader's trust; a dropped name leaves nothing over.
    """
    flags: list[Flag] = []
    knowledge = glossary if glossary is not None else Glossary.default()
    english_words = EnglishWords(english)
    words = tokens(greek)
    skip: list[tuple[int, int]] = []
    explained: set[str] = set()  # lower-cased English words that render something in the Greek
    missing_names: list[tuple[list[Token], Flag]] = []
    for term in knowledge.find(greek, words):
        skip.append((term.start, term.end))
        form = knowledge.english_form(term, english)
        if form is not None:
            explained.update(w.lower() for w in form.split())
            continue
        if glossary is not None:
            flags.append(unmet_flag(term))
        elif not _rendered_or_common(term, english_words):
            expected = term.preferred or term.accepted[0]
            message = f"The name «{term.text}» is not in the English (expected {expected})."
            missing_names.append((tokens(term.text), Flag("name", term.text, expected, message)))

    date_figures, numbers, dates = _figures(greek)
    found_in_english = english_numbers(english)
    values = {v for n in found_in_english for v in n.values}
    flags += month_and_weekday_flags(dates, english, values)
    for missing in unmatched(sorted(date_figures + numbers, key=lambda n: n.start), found_in_english):
        kind = "date" if missing in date_figures else "number"
        message = f"The {kind} «{missing.text}» is not in the English (expected {missing.expected})."
        flags.append(Flag(kind, missing.text, missing.expected, message))

    for run in name_runs(greek, skip=skip + dates.spans, words=words):
        rendered = find_run(run, english_words)
        explained.update(word.lower() for _, word in rendered)
        if not rendered:
            latin = elot743(run.text)
            how = f" (transliterated: {latin})" if latin != run.text else ""
            message = f"The name «{run.text}» is not in the English{how}."
            missing_names.append((list(run.words), Flag("name", run.text, latin, message)))
    if missing_names:
        spare = unexplained_capitals(english, explained)
        flags += [
            flag for name, flag in missing_names if not any(resembles(name, word) for word in spare)
        ]
    return flags


def _rendered_or_common(term: Match, english_words: EnglishWords) -> bool:
    """An unmet glossary term may still be transliterated, or be an institution put in other words."""
    words = tokens(term.text)
    if all(is_common(w.text) for w in words):
        return True
    return any(english_words.find(w.text) for w in words if not is_common(w.text))


def unsupported(greek_bullet: str, source_sentences: list[str]) -> list[Flag]:
    """`unsupported` flags for numbers and names of an abstractive bullet found in no source."""
    source = "\n".join(source_sentences)
    source_dates, source_numbers, _ = _figures(source)
    source_values = [n.value for n in source_dates + source_numbers]
    flags = []
    bullet_dates, bullet_numbers, _ = _figures(greek_bullet)
    for number in bullet_numbers + bullet_dates:
        if not any(abs(number.value - v) <= 1e-9 * max(1.0, v) for v in source_values):
            flags.append(
                Flag("unsupported", number.text, "", f"The number «{number.text}» is not in the article.")
            )
    source_words = tokens(source)
    source_keys = {key(w.text) for w in source_words if w.capitalised}
    source_folded = [fold_greek(w.text) for w in source_words]
    for run in name_runs(greek_bullet, keep_nouns=True):
        for word in run.words:
            if key(word.text) in source_keys:
                continue
            if process.extractOne(fold_greek(word.text), source_folded, scorer=fuzz.ratio, score_cutoff=80):
                continue  # another declined form of a word the article has
            flags.append(Flag("unsupported", word.text, "", f"The name «{word.text}» is not in the article."))
    return flags


def _english_key(form: str) -> str:
    form = form.replace("’", "'").split("'")[0]
    return "".join(c for c in form.lower() if c.isalnum())


def consistency(pairs: list[tuple[str, str]], glossary: Glossary | None = None) -> list[Flag]:
    """A `consistency` flag for each Greek name written in two English forms across the pairs."""
    knowledge = glossary if glossary is not None else Glossary.default()
    seen: dict[tuple[str, ...], dict[str, tuple[str, str]]] = {}

    def record(greek_key: tuple[str, ...], greek: str, english: str) -> None:
        seen.setdefault(greek_key, {}).setdefault(_english_key(english), (greek, english))

    for greek, english in pairs:
        skip = []
        for term in knowledge.find(greek):
            skip.append((term.start, term.end))
            form = knowledge.english_form(term, english)
            if form is not None:
                record(tuple(key(w.text) for w in tokens(term.text)), term.text, form)
        english_words = EnglishWords(english)
        for run in name_runs(greek, skip=skip):
            for word, rendered in find_run(run, english_words):
                record((key(word.text),), word.text, rendered)
    flags = []
    for forms in seen.values():
        if len(forms) > 1:
            (greek, first), (_, second) = list(forms.values())[:2]
            flags.append(
                Flag("consistency", greek, first, f"«{greek}» is written both «{first}» and «{second}».")
            )
    return flags
