"""The line checks applied to the service's results: each English line of a digest or translation
gets its flags (service.checks), and the result a summary, so readers know which lines to check.

A group (one digest, or the documents of one batch group) is also checked for one Greek name
spelt two ways; that flag goes on every line of the group that uses the name.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

from service.checks import Flag, Glossary, check, consistency, unsupported
from service.checks.greek import key, prefix, tokens
from service.config import EXTRACTIVE
from service.digest import Digest
from service.translate import Translation

NO_GLOSSARY = "none"  # DIGEST_GLOSSARY=none: nothing written into the source, names checked loosely


def load_glossary(setting: str | None) -> Glossary | None:
    """The shipped glossary, with the user's file (DIGEST_GLOSSARY / --glossary) merged over it;
    None for "none". InputError (one line, exit 2 at start-up) for a file that cannot be used."""
    if setting and setting.strip().lower() == NO_GLOSSARY:
        return None
    shipped = Glossary.default()
    return shipped.merged(Glossary.load(setting)) if setting else shipped


def summary(lines: list[list[Flag]]) -> dict[str, Any]:
    """lines_checked, lines_flagged (lines with at least one flag), flags, and flags by kind."""
    kinds = Counter(flag.kind for flags in lines for flag in flags)
    return {
        "lines_checked": len(lines),
        "lines_flagged": sum(bool(flags) for flags in lines),
        "flags": sum(kinds.values()),
        "by_kind": dict(kinds),
    }


def _mentions(greek: str, name: str) -> bool:
    """Whether `greek` has each word of `name` in some inflected form (only look-alikes stemmed)."""
    words = tokens(greek)
    return all(
        any(prefix(w.text) == prefix(n.text) and key(w.text) == key(n.text) for w in words)
        for n in tokens(name)
    )


def _add_consistency(
    pairs: list[tuple[str, str]], lines: list[list[Flag]], glossary: Glossary | None
) -> None:
    """One name spelt two ways across `pairs`: the flag goes on each line whose Greek has the name."""
    for flag in consistency(pairs, glossary) if len(pairs) > 1 else []:
        for (greek, _), line in zip(pairs, lines, strict=True):
            if _mentions(greek, flag.greek):
                line.append(flag)


def annotate_digests(digests: list[Digest], glossary: Glossary | None) -> None:
    """`checks` on each bullet and on each digest; consistency across all of `digests` (a group).
    A digest with nothing to check (extractive, no translator) is left unchecked (`checks` None)."""
    pairs: list[tuple[str, str]] = []
    lines: list[list[Flag]] = []
    checked = []
    for digest in digests:
        abstractive = digest.models.get("summarizer") not in (EXTRACTIVE, None)
        if not abstractive and not any(bullet.en for bullet in digest.bullets):
            continue
        checked.append(digest)
        for bullet in digest.bullets:
            flags = check(bullet.el, bullet.en, glossary) if bullet.en else []
            if abstractive:  # a summariser's figures and names must come from the article
                flags += unsupported(bullet.el, [digest.sentences[i] for i in bullet.sources])
            lines.append(flags)
            pairs.append((bullet.el, bullet.en or ""))
    _add_consistency(pairs, lines, glossary)
    flags_of = iter(lines)
    for digest in checked:
        mine = [next(flags_of) for _ in digest.bullets]
        for bullet, flags in zip(digest.bullets, mine, strict=True):
            bullet.checks = [flag.to_dict() for flag in flags]
        digest.checks = summary(mine)


def check_lines(pairs: list[tuple[str, str]], glossary: Glossary | None) -> list[list[Flag]]:
    """The flags of each (Greek, English) line, and of one name spelt two ways across them."""
    lines = [check(greek, english, glossary) for greek, english in pairs]
    _add_consistency(pairs, lines, glossary)
    return lines


def annotate_translations(translations: list[Translation], glossary: Glossary | None) -> None:
    """`checks` on each translated sentence and a summary per translation; consistency across all."""
    pairs = [pair for translation in translations for pair in translation.sentences]
    lines = check_lines(pairs, glossary)
    flags_of = iter(lines)
    for translation in translations:
        mine = [next(flags_of) for _ in translation.sentences]
        translation.checks = [[flag.to_dict() for flag in flags] for flags in mine]
        translation.checks_summary = summary(mine)


def lines_flagged(result: Digest | Translation | None) -> int:
    """How many lines of a result the checks flagged (0 when unchecked)."""
    checked = result.checks if isinstance(result, Digest) else result.checks_summary if result else None
    return int(checked["lines_flagged"]) if checked else 0
