#!/usr/bin/env python
"""Prepare models for offline use: download into the model store, check, optionally convert.

    python scripts/download_models.py                       # the default translator
    python scripts/download_models.py --summarizer IMISLab/GreekT5-mt5-small-greeksum --ct2
    python scripts/download_models.py --all --dir /data/model-store
    python scripts/download_models.py --list                # the known models

With HF_HUB_OFFLINE=1 and a prepared store it only checks the files. Exit status: 0 done,
2 bad arguments, 3 a model could not be prepared (missing, unreachable, broken), 130 interrupted.
The library functions live in models/download.py; this is the command line over them.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

if __name__ == "__main__":  # runnable from a checkout that is not pip-installed
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from models.download import Log, PrepareError, environment_lines, prepare_models
from models.locate import human_size
from models.registry import (
    DEFAULT_TRANSLATOR,
    KNOWN_MODELS,
    SUMMARIZATION,
    TRANSLATION,
    models_for,
    registry_table,
)
from service.config import model_store
from service.errors import UnavailableError, run_command


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="download_models.py",
        description="Fetch models into the model store for offline use, check them, and optionally "
        "convert them to CTranslate2 int8. Models already in the store are only checked.",
    )
    parser.add_argument("--dir", type=Path, help="model store (default: $DIGEST_MODELS_DIR or ./model-store)")
    parser.add_argument(
        "--translator",
        default=DEFAULT_TRANSLATOR,
        help=f"translator hub id or directory, or 'none' (default: {DEFAULT_TRANSLATOR})",
    )
    parser.add_argument(
        "--summarizer", action="append", default=[], metavar="ID",
        help="also prepare this abstractive summariser (hub id or directory); repeatable",
    )
    parser.add_argument("--all", action="store_true", help="prepare every model in the registry")
    parser.add_argument(
        "--ct2", action="store_true", help="also convert to CTranslate2 int8 (the fast CPU path)"
    )
    parser.add_argument("--refresh", action="store_true", help="download again even if already prepared")
    parser.add_argument("--list", action="store_true", help="print the known models and exit")
    return parser


def _wanted(args: argparse.Namespace) -> list[tuple[str, str]]:
    """(role, name) pairs to prepare, in order, without duplicates."""
    pairs: list[tuple[str, str]] = []
    if args.translator and args.translator.lower() != "none":
        pairs.append(("translator", args.translator))
    pairs += [("summarizer", s) for s in args.summarizer]
    if args.all:
        pairs += [(m.kind, m.repo_id) for m in KNOWN_MODELS.values()]
    unique: dict[str, str] = {}
    for role, name in pairs:
        unique.setdefault(name, role)
    return [(role, name) for name, role in unique.items()]


def run(args: argparse.Namespace, log: Log) -> int:
    store = (args.dir or model_store()).expanduser()
    done = prepare_models(_wanted(args), store, refresh=args.refresh, ct2=args.ct2, log=log)
    log("")
    log(f"Model store: {store.resolve()}")
    width = max(len(p.name) for _, p in done)
    for role, p in done:
        log(f"  {p.name:<{width}}  {role:<10}  {human_size(p.size):>9}  {p.how}")
        log(f"  {'':<{width}}  {'':<10}  {'':>9}  {p.detail}")
    log(f"  total {human_size(sum(p.size for _, p in done))}")
    log("")
    log("To use them here, or on an offline machine after copying the store there:")
    for line in environment_lines(store, done, args.ct2):
        log(f"  {line}")
    return 0


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    if args.list:
        print(registry_table())
        print()
        print(
            f"Translators: {', '.join(m.repo_id for m in models_for(TRANSLATION))}; "
            f"summarisers: {', '.join(m.repo_id for m in models_for(SUMMARIZATION))}. "
            "Any other seq2seq hub id or model directory works too."
        )
        return 0

    def prepare() -> int:
        try:
            return run(args, log=print)
        except PrepareError as exc:  # missing, unreachable, broken or unconvertible: exit 3
            raise UnavailableError(str(exc)) from None
        except (KeyboardInterrupt, ValueError, OSError):
            raise
        except Exception as exc:  # one line, never a traceback, even for the unexpected
            print(f"error: unexpected failure: {type(exc).__name__}: {exc}", file=sys.stderr)
            return 1

    return run_command(prepare, interrupted="error: interrupted; run again to resume the download")


if __name__ == "__main__":
    sys.exit(main())
