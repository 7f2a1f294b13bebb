"""Measure quality from the command line.

    python scripts/evaluate.py checks PAIRS [--seed N] [--glossary FILE] [--json]

`checks`: the checker's false-alarm rate on Greek/English pairs as given (PAIRS: Tatoeba
`ell<TAB>eng<TAB>greek<TAB>english` or `greek<TAB>english`), and its detection rate on corrupted
copies it makes itself (a number changed, a number dropped, a name dropped), per kind.

Runs from a checkout without installing, so the repository root goes on sys.path first.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from service.errors import run_command


def run_checks(args: argparse.Namespace) -> int:
    from service.checks import Glossary
    from service.evaluation.checks_eval import evaluate_checks, format_report
    from service.evaluation.pairs import read_pairs

    pairs = read_pairs(args.pairs)
    glossary = Glossary.default().merged(Glossary.load(args.glossary)) if args.glossary else None
    report = evaluate_checks(pairs, seed=args.seed, glossary=glossary)
    if args.json:
        print(json.dumps(report.to_dict(), ensure_ascii=False, indent=2))
    else:
        print(f"{args.pairs}: {report.pairs} pairs")
        print(format_report(report))
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="evaluate.py", description=__doc__.split("\n\n")[0])
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    checks = commands.add_parser("checks", help="false alarms and detection of the English checks")
    checks.add_argument("pairs", help="Tatoeba (ell, eng, greek, english) or two-column TSV of pairs")
    checks.add_argument("--seed", type=int, default=0, help="seed of the corruptions (default 0)")
    checks.add_argument("--glossary", help="a user glossary TSV merged over the shipped one")
    checks.add_argument("--json", action="store_true", help="print the report as JSON")
    checks.set_defaults(run=run_checks)

    # The `translate` (BLEU/chrF through the service) and `summarize` (ROUGE) sub-commands of
    # issue 11 are added here, each as a parser plus a run_* function like run_checks.
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    return run_command(lambda: args.run(args))  # bad pairs or glossary file: one line, exit 2


if __name__ == "__main__":
    sys.exit(main())
