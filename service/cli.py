"""Command line: `python -m service sentences|digest|translate FILE`, `python -m service briefing FILE…`.

Errors print one line to stderr and exit non-zero: 2 for unusable input or a bad setting, 3 for a
missing model.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from service.briefing import check_count
from service.config import (
    MAX_BULLETS,
    METHODS,
    add_model_flags,
    article_limit,
    check_bullets,
    settings_from_args,
)
from service.errors import InputError, run_command
from service.text import read_capped


def read_input(source: str, max_chars: int) -> str:
    """Text of FILE, or of stdin for '-'; InputError when unreadable, not UTF-8 or too long (only
    the limit + 1 bytes are read, so `digest /dev/zero` stops at once)."""
    try:
        if source == "-":
            return read_capped(sys.stdin.buffer, max_chars, source)
        with Path(source).open("rb") as handle:
            return read_capped(handle, max_chars, source)
    except OSError as exc:
        raise InputError(f"cannot read {source}: {exc.strerror or exc}") from None


def cmd_sentences(args: argparse.Namespace) -> None:
    from service.text import parse_article

    # Only the length limit matters here: a bad DIGEST_BACKEND (or model setting) it never uses
    # must not stop it.
    limit = article_limit(args.max_chars)
    article = parse_article(read_input(args.file, limit), max_chars=limit)
    for sentence in article.sentences:
        print(sentence.text)


def cmd_digest(args: argparse.Namespace) -> None:
    from service.digest_service import DigestService

    if args.bullets is not None:
        check_bullets(args.bullets)  # before the models load
    settings = settings_from_args(args)
    text = read_input(args.file, settings.max_chars)
    service = DigestService(settings)
    digest = service.digest(text, bullets=args.bullets, full_translation=args.full, method=args.method)
    print(digest.to_json() if args.format == "json" else digest.to_markdown(), end="\n")
    for warning in digest.warnings:
        print(f"warning: {warning}", file=sys.stderr)


def cmd_briefing(args: argparse.Namespace) -> None:
    from service.digest_service import DigestService

    if args.bullets is not None:
        check_bullets(args.bullets)  # before the models load and the files are read
    settings = settings_from_args(args)
    check_count(args.files, settings.max_briefing_chars)  # the count, before reading: names are short
    texts = []
    for number, source in enumerate(args.files, 1):
        try:
            texts.append(read_input(source, settings.max_chars))
        except InputError as exc:  # say which article, as the service does
            raise InputError(f"Article {number}: {exc}") from None
    briefing = DigestService(settings).briefing(texts, bullets=args.bullets)
    print(briefing.to_json() if args.format == "json" else briefing.to_markdown(), end="\n")
    for warning in briefing.warnings:
        print(f"warning: {warning}", file=sys.stderr)


def cmd_translate(args: argparse.Namespace) -> None:
    from service.digest_service import DigestService

    settings = settings_from_args(args)
    text = read_input(args.file, settings.max_chars)
    translation = DigestService(settings).translate(text)
    if args.format == "json":
        print(json.dumps(translation.to_dict(), ensure_ascii=False, indent=2))
    else:
        print(translation.text)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m service",
        description="Greek news → bilingual bullet digest, and Greek→English translation.",
    )
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("sentences", help="print the article's sentences, one per line")
    p.add_argument("file", help="text or HTML file; '-' reads stdin")
    p.add_argument("--max-chars", type=int)
    p.set_defaults(func=cmd_sentences)

    p = sub.add_parser("digest", help="bilingual key-point bullets")
    p.add_argument("file", help="text or HTML file; '-' reads stdin")
    p.add_argument("--bullets", "-n", type=int, default=None,
                   help=f"number of bullets, 1-{MAX_BULLETS} (default 5)")
    p.add_argument("--format", choices=["json", "md"], default="md")
    p.add_argument("--full", action="store_true", help="also translate the whole article")
    p.add_argument("--method", choices=METHODS, default="auto",
                   help="key points: abstractive when a summariser is configured (auto), or force one")
    add_model_flags(p)
    p.set_defaults(func=cmd_digest)

    p = sub.add_parser("briefing", help="one bilingual briefing of several articles on one story")
    p.add_argument("files", nargs="+", metavar="FILE", help="text or HTML files, one article each "
                   "(up to 10); '-' reads one from stdin")
    p.add_argument("--bullets", "-n", type=int, default=None, help="number of points (default 5)")
    p.add_argument("--format", choices=["json", "md"], default="md")
    add_model_flags(p, summarizer=False)
    p.set_defaults(func=cmd_briefing)

    p = sub.add_parser("translate", help="translate the whole article, paragraphs kept")
    p.add_argument("file", help="text or HTML file; '-' reads stdin")
    p.add_argument("--format", choices=["text", "json"], default="text")
    add_model_flags(p, summarizer=False)
    p.set_defaults(func=cmd_translate)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    return run_command(lambda: args.func(args))
