"""Batch job output: the JSONL result log, appended to and fsync'ed record by record.

A job killed at any moment leaves at most a half-written last line: opening the log cuts it off
and reads which ids are done, so the same command resumes. An advisory lock keeps two jobs from
appending to the same file.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

from service.errors import UsageError

try:  # advisory lock so two jobs never append to the same OUT; POSIX only
    import fcntl
except ImportError:  # pragma: no cover - Windows
    fcntl = None  # type: ignore[assignment]


def scan_results(data: bytes, name: str) -> tuple[int, list[dict[str, Any]]]:
    """Records in OUT's bytes, and the length of its good prefix.

    A last line without a newline, or that does not parse, is what a kill mid-write leaves: it
    is not counted (the caller truncates it). A bad line with good lines after it was not written
    by us, so the file is left alone and the job refuses to run.
    """
    records: list[dict[str, Any]] = []
    good = pos = number = 0
    while (end := data.find(b"\n", pos)) != -1:
        number += 1
        line = data[pos:end]
        if line.strip():
            try:
                record = json.loads(line)
            except ValueError:
                record = None
            if not isinstance(record, dict) or "id" not in record:
                if data[end + 1 :].strip(b" \t\r\x00").count(b"\n"):
                    raise UsageError(f"{name} line {number} is not a result record: fix or remove it")
                break
            records.append(record)
        good = pos = end + 1
    return good, records


class ResultLog:
    """OUT, opened for appending: locked, repaired, and knowing which ids are done."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.fd = -1
        self.done: dict[str, bool] = {}  # id in OUT -> whether its record is an error
        self.modes: set[str] = set()  # the modes of the records in OUT
        self.repaired_bytes = 0

    def _open_locked(self) -> int:
        """Open and lock the file that is at `path` now (it may be replaced while we wait)."""
        while True:
            fd = os.open(self.path, os.O_RDWR | os.O_CREAT | os.O_APPEND, 0o644)
            if fcntl is None:
                return fd
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                os.close(fd)
                raise UsageError(f"{self.path} is in use by another batch job") from None
            if os.fstat(fd).st_ino == os.stat(self.path).st_ino:
                return fd
            os.close(fd)

    def _read(self) -> list[dict[str, Any]]:
        """OUT's records; a damaged last line is cut off first."""
        with os.fdopen(os.dup(self.fd), "rb") as handle:
            handle.seek(0)
            data = handle.read()
        good, records = scan_results(data, str(self.path))
        if good < len(data):
            os.ftruncate(self.fd, good)
            os.fsync(self.fd)
            self.repaired_bytes = len(data) - good
        return records

    def open(self) -> ResultLog:
        try:
            self.fd = self._open_locked()
            records = self._read()
        except OSError as exc:
            raise UsageError(f"cannot open {self.path}: {exc.strerror or exc}") from None
        self.done = {str(r["id"]): "error" in r for r in records}
        self.modes = {str(r.get("mode")) for r in records}
        return self

    def drop_errors(self) -> int:
        """Rewrite OUT without its error records (crash-safe: temp file + rename); the number dropped.

        A briefing's bad record is an error line naming its story (``"story"``): the story's own line
        goes too, so the story is briefed again and the record's error line is not lost."""
        if not any(self.done.values()):
            return 0
        records = self._read()
        stories = {str(r["story"]) for r in records if "error" in r and "story" in r}
        kept = [r for r in records if "error" not in r and str(r["id"]) not in stories]
        temp = self.path.with_name(f".{self.path.name}.{os.getpid()}.tmp")
        with temp.open("wb") as handle:
            handle.write(b"".join(encode_line(r) for r in kept))
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temp, self.path)
        old, self.fd = self.fd, self._open_locked()
        os.close(old)
        dropped = [key for key, failed in self.done.items() if failed]
        for key in [*dropped, *stories]:
            self.done.pop(key, None)
        return len(dropped)

    def append(self, records: list[dict[str, Any]]) -> None:
        """Append complete lines and fsync: after this returns they survive a crash."""
        data = b"".join(encode_line(r) for r in records)
        view = memoryview(data)
        while view:
            view = view[os.write(self.fd, view) :]
        os.fsync(self.fd)
        for record in records:
            self.done[record["id"]] = "error" in record

    def close(self) -> None:
        if self.fd >= 0:
            os.close(self.fd)  # also releases the lock
            self.fd = -1


def encode_line(record: dict[str, Any]) -> bytes:
    """One JSON line (json.dumps escapes newlines), readable UTF-8."""
    try:
        return json.dumps(record, ensure_ascii=False).encode("utf-8") + b"\n"
    except UnicodeEncodeError:
        # A file name with undecodable bytes holds surrogates: \u-escapes keep it valid JSON, and it
        # reads back as the same id, so resuming still skips it.
        return json.dumps(record).encode("ascii") + b"\n"


def write_atomic(path: Path, text: str) -> None:
    """Write a whole file or nothing (a kill leaves the old file or none, never half of one)."""
    temp = path.with_name(f".{path.name}.tmp")
    temp.write_text(text, encoding="utf-8")
    os.replace(temp, path)
