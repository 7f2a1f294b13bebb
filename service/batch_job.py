"""The batch job's work on one group of records, and what becomes of each record.

``BatchJob.run_group`` is what every engine runs (in this process or on a Dask worker): parse, then
translate or digest the group in one go, isolating a failing document so only it fails. The driver
(service.batch) turns each Outcome into OUT's line (``to_record``) and, for a directory INPUT, a file
in --out-dir (``write_out_dir``).
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from service.batch_input import Record
from service.batch_log import encode_line, write_atomic
from service.config import AUTO
from service.digest import Digest
from service.digest_service import DigestService
from service.errors import InputError, failure_line
from service.text import Article
from service.translate import Progress, Translation


@dataclass
class Outcome:
    """What became of one record: a result (Translation or Digest) or an error line."""

    record: Record
    result: Translation | Digest | None = None
    error: str | None = None
    sentences: int = 0  # sentences sent to the model, for the throughput figures


@dataclass
class BatchJob:
    """One run over a group of records at a time, with the service's models and settings."""

    service: DigestService
    mode: str = "translate"
    bullets: int | None = None
    method: str = AUTO  # digest mode: how key points are chosen, as `python -m service digest --method`
    full_translation: bool = False  # digest mode: also translate the whole article (--full)

    def _parse(self, records: list[Record]) -> tuple[list[Outcome], list[tuple[Outcome, Article]]]:
        outcomes = [Outcome(r, error=r.error) for r in records]
        parsed: list[tuple[Outcome, Article]] = []
        for outcome in outcomes:
            if outcome.error is None:
                try:
                    parsed.append((outcome, self.service.parse(outcome.record.text or "")))
                except InputError as exc:
                    outcome.error = str(exc)
                except Exception as exc:  # a bug must fail this record only, never the job
                    outcome.error = failure_line("reading the article", exc)
        return outcomes, parsed

    def run_group(self, records: list[Record], progress: Progress | None = None) -> list[Outcome]:
        """The group's outcomes; `progress` is told the group's sentences translated so far."""
        outcomes, parsed = self._parse(records)
        if not parsed:
            return outcomes
        work = self._translate if self.mode == "translate" else self._digest
        self._isolating(functools.partial(work, progress=progress), parsed)
        return outcomes

    def _isolating(self, work: Callable[[list[tuple[Outcome, Article]]], None],
                   parsed: list[tuple[Outcome, Article]]) -> None:
        """Run `work` on the group; if it fails, on each document alone, so only a culprit fails."""
        try:
            work(parsed)
        except Exception as exc:
            if len(parsed) > 1:
                for item in parsed:
                    self._isolating(work, [item])
            else:
                what = "translation" if self.mode == "translate" else "digest"
                parsed[0][0].error = failure_line(what, exc)

    def _translate(self, parsed: list[tuple[Outcome, Article]], progress: Progress | None = None) -> None:
        # A missing translator is checked at start-up: translate mode exits 3 without one.
        results = self.service.translate_articles([a for _, a in parsed], progress=progress)
        for (outcome, article), translation in zip(parsed, results, strict=True):
            outcome.result, outcome.sentences = translation, len(article.sentences)

    def _digest(self, parsed: list[tuple[Outcome, Article]], progress: Progress | None = None) -> None:
        """Key points per article, by the service's own rules (extractive or abstractive, with its
        fallbacks and warnings), and the English of all the group's bullets from one generate()."""
        digests = self.service.digest_articles(
            [a for _, a in parsed], bullets=self.bullets, method=self.method,
            full_translation=self.full_translation, progress=progress,
        )
        for (outcome, article), digest in zip(parsed, digests, strict=True):
            outcome.result = digest
            translated = sum(b.en is not None for b in digest.bullets)
            outcome.sentences = len(article.sentences) if digest.translation is not None else translated


def to_record(outcome: Outcome, mode: str) -> dict[str, Any]:
    """OUT's record for `outcome`; a result that cannot be written as JSON makes it an error record
    (and `outcome` an error), so one bad result never stops the job or its group."""
    record: dict[str, Any] = {"id": outcome.record.id, "source": outcome.record.source, "mode": mode}
    if outcome.error is None and outcome.result is not None:
        try:
            result = outcome.result.to_dict()
            encode_line({**record, "result": result})  # fails here, not in the middle of the group's write
            return {**record, "result": result}
        except Exception as exc:
            outcome.result, outcome.error = None, failure_line("writing the result", exc)
    record["error"] = outcome.error or "no result"
    return record


def out_dir_text(outcome: Outcome) -> tuple[str, str] | None:
    """(file name, content) of the per-file output of --out-dir, or None for an error."""
    result = outcome.result
    if isinstance(result, Translation):
        return f"{outcome.record.stem}.en.txt", result.text + "\n"
    if isinstance(result, Digest):
        return f"{outcome.record.stem}.digest.md", result.to_markdown()
    return None


def write_out_dir(out_dir: Path, outcomes: list[Outcome]) -> None:
    for outcome in outcomes:
        written = out_dir_text(outcome)
        if written:
            try:
                write_atomic(out_dir / written[0], written[1])
            except OSError as exc:
                outcome.error = f"cannot write {written[0]} in {out_dir}: {exc.strerror or exc}"
            except Exception as exc:  # e.g. a result that cannot be encoded
                outcome.error = failure_line(f"writing {written[0]}", exc)
