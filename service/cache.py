"""Translation cache: (model, generation options, normalised sentence) → English.

News wires repeat sentences, people re-submit the same article, archives hold near-duplicates:
a sentence translated once need not be translated again. Two layers:
- memory: a bounded LRU shared by every request of the service (thread-safe);
- disk (optional, for batch jobs): a `diskcache` directory that persists between runs and can be
  shared by several processes.

It never changes a result: the key holds everything the output depends on (the model directory
with a fingerprint of its files, so a reconverted model does not reuse old entries; the options;
the exact text the model is given) and translate_sentences gives the model the normalised text
whether or not a cache is on. The one thing assumed is what the micro-batcher already relies on:
a sentence's translation does not depend on which other sentences share its batch.
"""

from __future__ import annotations

import hashlib
import json
import threading
import unicodedata
from collections import OrderedDict
from collections.abc import Callable, Mapping
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from models.base import Seq2SeqModel

DEFAULT_CACHE_SIZE = 4096  # sentences: a few hundred articles, a few MB of memory


def normalise_sentence(text: str) -> str:
    """The form a sentence is translated (and cached) in: NFC, whitespace runs as one space.

    Sentences from service.text are already in this form; SentencePiece would collapse the
    whitespace anyway, so this only makes equal inputs look equal to the cache.
    """
    return unicodedata.normalize("NFC", " ".join(text.split()))


def model_fingerprint(model: Seq2SeqModel) -> str:
    """What identifies a model's outputs: backend, directory, compute type, input prefix, and the
    names, sizes and modification times of the directory's files (weights, generation config)."""
    info = model.info
    parts: list[Any] = [info.backend, info.path, info.details.get("compute_type", ""), model.prefix]
    directory = Path(info.path)
    if directory.is_dir():
        for file in sorted(directory.iterdir()):
            if file.is_file():
                stat = file.stat()
                parts.append((file.name, stat.st_size, stat.st_mtime_ns))
    return hashlib.sha256(json.dumps(parts, default=str).encode()).hexdigest()[:16]


@dataclass
class CacheStats:
    """What /status shows about the cache."""

    size: int  # sentences held in memory
    capacity: int
    hits: int  # sentences served without the model (memory, disk, or repeated in one call)
    misses: int  # sentences the model translated
    disk: str | None = None  # directory of the disk layer
    disk_size: int | None = None

    def to_dict(self) -> dict[str, Any]:
        return {k: v for k, v in asdict(self).items() if v is not None}


class TranslationCache:
    """Bounded LRU in memory, optionally backed by a diskcache directory. Thread-safe."""

    def __init__(self, capacity: int = DEFAULT_CACHE_SIZE, directory: str | Path | None = None) -> None:
        self.capacity = max(0, capacity)
        self._memory: OrderedDict[tuple[str, str, str], str] = OrderedDict()
        self._lock = threading.Lock()  # guards the LRU, the counters and the fingerprints
        self._fingerprints: dict[int, tuple[Seq2SeqModel, str]] = {}
        self.hits = self.misses = 0
        self.directory = Path(directory) if directory else None
        self._disk: Any = None
        if self.directory is not None:
            import diskcache

            try:
                self._disk = diskcache.Cache(str(self.directory))
            except Exception as exc:  # OSError, sqlite3 errors: one line for the user either way
                raise ValueError(f"cannot open the translation cache in {self.directory}: {exc}") from None

    def _model_id(self, model: Seq2SeqModel) -> str:
        with self._lock:
            known = self._fingerprints.get(id(model))
            if known is not None and known[0] is model:
                return known[1]
        fingerprint = model_fingerprint(model)  # stat calls: outside the lock
        with self._lock:
            self._fingerprints[id(model)] = (model, fingerprint)
        return fingerprint

    def _get(self, key: tuple[str, str, str]) -> str | None:
        with self._lock:
            value = self._memory.get(key)
            if value is not None:
                self._memory.move_to_end(key)
                return value
        if self._disk is not None:
            value = self._disk.get(_disk_key(key))
            if value is not None:
                self._put_memory(key, value)
            return value
        return None

    def _put_memory(self, key: tuple[str, str, str], value: str) -> None:
        if not self.capacity:
            return
        with self._lock:
            self._memory[key] = value
            self._memory.move_to_end(key)
            while len(self._memory) > self.capacity:
                self._memory.popitem(last=False)

    def translate(
        self,
        model: Seq2SeqModel,
        options: Mapping[str, Any],
        sentences: list[str],
        compute: Callable[[list[str]], list[str]],
    ) -> list[str]:
        """English for each sentence (already normalised); `compute` translates only those not
        cached, each distinct sentence once, in one call."""
        model_id = self._model_id(model)
        options_key = json.dumps(dict(options), sort_keys=True, default=str)
        keys = [(model_id, options_key, s) for s in sentences]
        found: dict[tuple[str, str, str], str] = {}
        todo: list[tuple[str, str, str]] = []
        for key in dict.fromkeys(keys):  # distinct, in first-seen order
            value = self._get(key)
            if value is None:
                todo.append(key)
            else:
                found[key] = value
        if todo:
            english = compute([key[2] for key in todo])
            for key, value in zip(todo, english, strict=True):
                found[key] = value
                self._put_memory(key, value)
            if self._disk is not None:
                with self._disk.transact():  # one sqlite transaction, not one per sentence
                    for key in todo:
                        self._disk.set(_disk_key(key), found[key])
        with self._lock:
            self.misses += len(todo)
            self.hits += len(keys) - len(todo)
        return [found[key] for key in keys]

    def stats(self) -> CacheStats:
        with self._lock:
            stats = CacheStats(len(self._memory), self.capacity, self.hits, self.misses)
        if self._disk is not None:
            stats.disk, stats.disk_size = str(self.directory), len(self._disk)
        return stats

    def close(self) -> None:
        if self._disk is not None:
            self._disk.close()


def _disk_key(key: tuple[str, str, str]) -> str:
    """A short fixed-size key for sqlite (the sentence itself may be long)."""
    return hashlib.sha256("\x1f".join(key).encode()).hexdigest()


def open_cache(capacity: int, directory: str | Path | None = None) -> TranslationCache | None:
    """The service's cache, or None when both layers are off (size 0 and no directory)."""
    if capacity <= 0 and not directory:
        return None
    return TranslationCache(capacity, directory)
