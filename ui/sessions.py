"""What the public endpoints produced, kept on the server per browser session for the page's
private follow-up steps (render the digest, write the download files).

The follow-ups take nothing from the client but its session: they can only show what this server
made for that session, once, so no one can make the server render or store data of their own.
Bounded in entries and age, because plain API callers leave results that nobody collects.
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from dataclasses import dataclass
from typing import Any

MAX_SESSIONS = 128
MAX_AGE_SECONDS = 300.0


@dataclass(frozen=True)
class Failure:
    """The one-line reason a request failed, to show where its result would have been."""

    message: str


class SessionResults:
    def __init__(self, capacity: int = MAX_SESSIONS, max_age: float = MAX_AGE_SECONDS) -> None:
        self.capacity = capacity
        self.max_age = max_age
        self._items: OrderedDict[tuple[str, str], tuple[float, Any]] = OrderedDict()
        self._lock = threading.Lock()

    def put(self, session: str | None, kind: str, value: Any) -> None:
        if not session:
            return
        with self._lock:
            now = time.monotonic()
            self._items.pop((session, kind), None)
            self._items[(session, kind)] = (now, value)
            while self._items and (
                len(self._items) > self.capacity or next(iter(self._items.values()))[0] < now - self.max_age
            ):
                self._items.popitem(last=False)

    def pop(self, session: str | None, kind: str) -> Any:
        """The session's latest result of this kind (None when there is none), forgotten after."""
        if not session:
            return None
        with self._lock:
            stamped = self._items.pop((session, kind), None)
        if stamped is None or stamped[0] < time.monotonic() - self.max_age:
            return None
        return stamped[1]

    def __len__(self) -> int:
        with self._lock:
            return len(self._items)
