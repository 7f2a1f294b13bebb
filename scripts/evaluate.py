"""Measure quality from the command line.

    python scripts/evaluate.py checks PAIRS [--seed N] [--glossary FILE] [--json]
    python scripts/evaluate.py translate PAIRS [--compare torch,ct2] [--limit N] [--json] [--out FILE]
    python scripts/evaluate.py summarize JSONL [--bullets N] [--stem] [--limit N] [--json] [--out FILE]

`translate`: sacrebleu BLEU and chrF of the configured translator (and backend) on the pairs
(Tatoeba, two-column TSV, or JSONL with --src-field/--ref-field), the checker's flag rate, words
per second and the worst sentences; `--compare torch,ct2` runs both backends on the same inputs.
`summarize`: ROUGE-1/2/L of lead-N, extractive and abstractive summaries of `{article, summary}`
records, with a Greek-aware tokenizer.

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

from models.loader import BACKENDS
from service import UsageError, add_model_flags, run_command, settings_from_args


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


def add_report_flags(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--limit", type=int, help="use only the first N records")
    parser.add_argument("--json", action="store_true", help="print the report as JSON")
    parser.add_argument("--out", help="also write the report (Markdown) to this file")


def limited(records: list, limit: int | None) -> list:
    if limit is not None and limit < 1:
        raise UsageError("--limit must be at least 1")
    return records[:limit] if limit else records


def emit(args: argparse.Namespace, data: dict, markdown: str) -> None:
    """The report on stdout (a table, or JSON with --json), and as Markdown in --out."""
    print(json.dumps(data, ensure_ascii=False, indent=2) if args.json else markdown)
    if args.out:
        Path(args.out).write_text(markdown + "\n", encoding="utf-8")


def run_translate(args: argparse.Namespace) -> int:
    from service.digest_checks import load_glossary
    from service.evaluation.pairs import read_pairs
    from service.evaluation.translation import evaluate_translation, format_translation_report

    backends = [b.strip() for b in args.compare.split(",")] if args.compare else None
    if backends is not None and (len(backends) != 2 or any(b not in BACKENDS for b in backends)):
        raise UsageError(f"--compare takes two backends out of {', '.join(BACKENDS)}, e.g. torch,ct2")
    settings = settings_from_args(args)
    pairs = limited(read_pairs(args.pairs, args.src_field, args.ref_field), args.limit)
    # --glossary (a model flag): written into the source by the service, and the checker's glossary.
    glossary = load_glossary(args.glossary) if args.glossary else None
    report = evaluate_translation(pairs, settings, backends, source=args.pairs, glossary=glossary)
    emit(args, report.to_dict(), format_translation_report(report))
    return 0


def run_summarize(args: argparse.Namespace) -> int:
    from service.evaluation.pairs import read_pairs
    from service.evaluation.summaries import evaluate_summaries, format_summary_report

    if args.bullets < 1:
        raise UsageError("--bullets must be at least 1")
    records = limited(read_pairs(args.records, args.article_field, args.summary_field), args.limit)
    report = evaluate_summaries(records, settings_from_args(args), bullets=args.bullets, stem=args.stem,
                                source=args.records)
    emit(args, report.to_dict(), format_summary_report(report))
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

    translate = commands.add_parser("translate", help="BLEU, chrF, flag rate and speed of the translator")
    translate.add_argument("pairs", help="Tatoeba or two-column TSV of Greek/English pairs, or JSONL")
    translate.add_argument("--src-field", help="JSONL field of the Greek (default el)")
    translate.add_argument("--ref-field", help="JSONL field of the reference English (default en)")
    translate.add_argument("--compare", metavar="A,B", help="two backends on the same inputs, e.g. torch,ct2")
    add_model_flags(translate, summarizer=False)
    add_report_flags(translate)
    translate.set_defaults(run=run_translate)

    summarize = commands.add_parser("summarize", help="ROUGE of lead-N, extractive and abstractive summaries")
    summarize.add_argument("records", help="JSONL of {article, summary} records")
    summarize.add_argument("--article-field", default="article", help="JSONL field of the article")
    summarize.add_argument("--summary-field", default="summary", help="JSONL field of the reference")
    summarize.add_argument("--bullets", type=int, default=3, help="sentences or bullets per summary (3)")
    summarize.add_argument("--stem", action="store_true", help="compare Snowball Greek stems")
    add_model_flags(summarize)
    add_report_flags(summarize)
    summarize.set_defaults(run=run_summarize)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    return run_command(lambda: args.run(args))  # bad input or setting: exit 2; a model missing: 3


if __name__ == "__main__":
    sys.exit(main())
