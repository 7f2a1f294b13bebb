"""Batch briefing mode: `--mode briefing --group-field FIELD`, one briefing per story.

Input: a JSONL or CSV file (or JSONL on stdin) whose records carry the article (--field, default
text), an id (--id-field) and the story they belong to (--group-field), e.g.

    {"id": "kathimerini-1", "story": "putin-kim", "text": "<Greek article>"}

A story is a run of CONSECUTIVE records with the same group value (sort the input by it first): so
the job streams and holds at most one story. A story that comes back later is a second briefing
(id `story#2`, as duplicate ids are made unique). Output lines, appended to OUT:

- one per story: {"id": STORY, "source": its first record's source, "mode": "briefing",
  "records": [ids of the articles briefed, in order], "result": the briefing JSON}, or "error"
  (one line) instead of "result" (more than 10 articles, over DIGEST_MAX_BRIEFING_CHARS, no usable
  article);
- one per bad record (unreadable, not Greek, too long…): {"id": "STORY/RECORD", "source",
  "mode": "briefing", "story": STORY, "error"}; the story is briefed from its other records;
- a record without a group value is an error line under its own id.

Resuming skips the stories already in OUT; --retry-errors runs again the stories whose line is an error.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from service.batch_input import Record, unique_ids
from service.batch_log import ResultLog, encode_line
from service.briefing import MAX_BRIEFING_ARTICLES
from service.errors import InputError, failure_line

if TYPE_CHECKING:
    from service.batch import JobCounts
    from service.digest_service import DigestService

MODE = "briefing"


@dataclass
class Story:
    """The records of one story (or a lone record without a group value: `head` carries its error)."""

    head: Record  # the story's id and source, or the lone record itself
    records: list[Record] = field(default_factory=list)  # at most MAX_BRIEFING_ARTICLES kept
    extra: int = 0  # records beyond that: counted, not kept

    @property
    def size(self) -> int:
        return max(1, len(self.records) + self.extra)


def stories(records: Iterable[Record], group_field: str) -> Iterator[Story]:
    """Runs of consecutive records with the same group value; a record without one stands alone."""
    current: Story | None = None
    for record in records:
        if record.group is None:
            if current is not None:
                yield current
                current = None
            error = record.error or f"no {group_field!r} value: a briefing groups records by it"
            yield Story(Record(record.id, record.source, error=error))
            continue
        if current is not None and current.head.id != record.group:
            yield current
            current = None
        if current is None:
            current = Story(Record(record.group, record.source))
        if len(current.records) < MAX_BRIEFING_ARTICLES:
            current.records.append(record)
        else:
            current.extra += 1
    if current is not None:
        yield current


def unique_stories(found: Iterable[Story]) -> Iterator[Story]:
    """Stories with unique ids, by the rule for duplicate record ids (`story#2`): unique_ids renames
    the heads as they stream through it, one out for each in."""
    waiting: list[Story] = []

    def heads() -> Iterator[Record]:
        for story in found:
            waiting.append(story)
            yield story.head

    for _ in unique_ids(heads()):
        yield waiting.pop()


@dataclass
class BriefingJob:
    service: DigestService
    group_field: str
    bullets: int | None = None

    def lines(self, story: Story) -> list[dict[str, Any]]:
        """The story's line (result or error) first, then one error line per bad record."""
        head = story.head
        line: dict[str, Any] = {"id": head.id, "source": head.source, "mode": MODE}
        if head.error is not None:
            return [{**line, "error": head.error}]
        bad: list[dict[str, Any]] = []
        good: list[Record] = []
        for record in story.records:
            error = record.error
            if error is None:
                try:
                    self.service.parse(record.text or "")  # so one bad article fails alone
                except InputError as exc:
                    error = str(exc)
                except Exception as exc:  # a bug must fail this record only, never the job
                    error = failure_line("reading the article", exc)
            if error is None:
                good.append(record)
            else:
                bad.append({"id": f"{head.id}/{record.id}", "source": record.source, "mode": MODE,
                            "story": head.id, "error": error})
        line["records"] = [r.id for r in good]
        line.update(self._briefing(story, good))
        return [line, *bad]

    def _briefing(self, story: Story, good: list[Record]) -> dict[str, Any]:
        if story.extra:
            return {"error": f"story {story.head.id!r} has {len(story.records) + story.extra} articles; a "
                    f"briefing takes at most {MAX_BRIEFING_ARTICLES}"}
        if not good:
            return {"error": f"story {story.head.id!r} has no usable article (see its records' error lines)"}
        try:
            result = self.service.briefing([r.text or "" for r in good], bullets=self.bullets).to_dict()
            encode_line({"result": result})  # fails here, not in the middle of the story's write
            return {"result": result}
        except InputError as exc:
            return {"error": str(exc)}
        except Exception as exc:  # a bug must fail this story only, never the job
            return {"error": failure_line("briefing", exc)}

    def run(self, records: Iterable[Record], log: ResultLog, counts: JobCounts, bar: Any) -> None:
        """Every story not yet in OUT: its lines appended (and fsync'ed) together."""
        for story in unique_stories(stories(records, self.group_field)):
            if story.head.id in log.done:
                counts.skipped += 1
                counts.skipped_failed += log.done[story.head.id]
            else:
                lines = self.lines(story)
                log.append(lines)
                results = [line["result"] for line in lines if "result" in line]
                counts.done += len(results)
                counts.failed += len(lines) - len(results)
                counts.flagged += sum(bool((r.get("checks") or {}).get("lines_flagged")) for r in results)
                counts.sentences += sum(len(a["sentences"]) for r in results for a in r["articles"])
            bar.update(story.size)
