"""The one interface every seq2seq backend offers: `generate(texts) -> list[str]`.

The base class owns what backends share: length-sorted batching, and splitting inputs longer
than the model's limit into pieces at sentence (then clause, then word) boundaries, so nothing
is ever silently truncated. A backend implements two methods: token counts and one batch.
"""

from __future__ import annotations

import re
import threading
from abc import ABC, abstractmethod
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

# Boundaries to split an over-long input at, strongest first: sentence ends (incl. Greek ';'),
# then ano teleia / colon / semicolon, then commas.
_SPLIT_LEVELS = (
    re.compile(r"(?<=[.!?;…])\s+"),
    re.compile(r"(?<=[·:])\s+"),
    re.compile(r"(?<=,)\s+"),
)


# Inputs are capped here even when a model's positions allow more: attention cost grows with
# the square of length, and news sentences are far shorter.
MAX_INPUT_TOKENS = 512


def input_limit(tokenizer: object, max_positions: int | None) -> int:
    """Longest input a model takes: the cap above, its positions, its tokenizer's own limit."""
    limits = [MAX_INPUT_TOKENS, max_positions or MAX_INPUT_TOKENS]
    tokenizer_limit = getattr(tokenizer, "model_max_length", None) or 0
    if 0 < tokenizer_limit < 10**6:  # transformers uses a huge number for "no limit"
        limits.append(tokenizer_limit)
    return min(limits)


@dataclass
class ModelInfo:
    """What a loaded model is, for status views."""

    name: str  # hub id or directory, as configured
    path: str  # the local directory actually loaded
    backend: str  # "torch" or "ct2"
    device: str
    max_input_tokens: int
    load_seconds: float
    details: dict[str, str] = field(default_factory=dict)


def split_to_fit(text: str, max_tokens: int, count: Callable[[str], int]) -> list[str]:
    """Pieces of `text`, each within `max_tokens`, cut at the strongest boundary that works."""
    if count(text) <= max_tokens:
        return [text]
    for level in _SPLIT_LEVELS:
        parts = [p for p in level.split(text) if p]
        if len(parts) > 1:
            return _pack(parts, max_tokens, count)
    words = text.split()
    if len(words) > 1:
        half = len(words) // 2
        return split_to_fit(" ".join(words[:half]), max_tokens, count) + split_to_fit(
            " ".join(words[half:]), max_tokens, count
        )
    # One "word" longer than the model's limit (a URL, a hash): cut by characters.
    size = max(1, len(text) // 2)
    return split_to_fit(text[:size], max_tokens, count) + split_to_fit(
        text[size:], max_tokens, count
    )


def _pack(parts: list[str], max_tokens: int, count: Callable[[str], int]) -> list[str]:
    """Greedily join consecutive parts into pieces that fit; parts too long are split further."""
    pieces: list[str] = []
    current = ""
    for part in parts:
        candidate = f"{current} {part}" if current else part
        if count(candidate) <= max_tokens:
            current = candidate
            continue
        if current:
            pieces.append(current)
        if count(part) <= max_tokens:
            current = part
        else:
            pieces.extend(split_to_fit(part, max_tokens, count))
            current = ""
    if current:
        pieces.append(current)
    return pieces


class Seq2SeqModel(ABC):
    """A loaded text-to-text model. Thread-safe: calls are serialised by a per-model lock."""

    info: ModelInfo
    prefix: str = ""  # prepended to every input (e.g. "summarize: " for T5-style summarisers)

    def __init__(self) -> None:
        self._lock = threading.Lock()
        # generate() options the model always wants (the registry's, set by load_seq2seq);
        # the caller's options win over them.
        self.generation: dict[str, Any] = {}

    @property
    def name(self) -> str:
        return self.info.name

    @property
    def max_input_tokens(self) -> int:
        return self.info.max_input_tokens

    @abstractmethod
    def count_tokens(self, texts: Sequence[str]) -> list[int]:
        """Number of input tokens of each text as the model sees it (special tokens included)."""

    @abstractmethod
    def _generate_batch(
        self, texts: list[str], max_new_tokens: int | None, num_beams: int | None, **options
    ) -> list[str]:
        """Outputs for one batch of inputs that all fit the model."""

    def generate(
        self,
        texts: Sequence[str],
        *,
        max_new_tokens: int | None = None,
        num_beams: int | None = None,
        batch_size: int = 16,
        **options,
    ) -> list[str]:
        """One output per input, in input order.

        `options` go on top of the model's own `generation` options (the registry's).
        Inputs over the model's limit are split into pieces that fit and their outputs joined
        with a space. Pieces are sorted by length and batched so padding stays small.
        """
        options = {**self.generation, **options}
        if max_new_tokens is None:
            max_new_tokens = options.pop("max_new_tokens", None)
        if num_beams is None:
            num_beams = options.pop("num_beams", None)
        options.pop("max_new_tokens", None)
        options.pop("num_beams", None)
        limit = self.max_input_tokens
        pieces: list[str] = []
        owner: list[int] = []
        piece_lengths: list[int] = []
        lengths = self.count_tokens([self.prefix + t for t in texts]) if texts else []
        for index, (text, length) in enumerate(zip(texts, lengths, strict=True)):
            if length <= limit:  # the usual case: counted once, above
                parts, part_lengths = [self.prefix + text], [length]
            else:
                parts = [self.prefix + part for part in self._split(text, limit)]
                part_lengths = self.count_tokens(parts)
            pieces.extend(parts)
            piece_lengths.extend(part_lengths)
            owner.extend([index] * len(parts))
        order = sorted(range(len(pieces)), key=piece_lengths.__getitem__)
        outputs = [""] * len(pieces)
        with self._lock:
            for start in range(0, len(order), batch_size):
                batch = order[start : start + batch_size]
                results = self._generate_batch(
                    [pieces[i] for i in batch], max_new_tokens, num_beams, **options
                )
                for i, result in zip(batch, results, strict=True):
                    outputs[i] = result.strip()
        joined: list[list[str]] = [[] for _ in texts]
        for i, output in enumerate(outputs):
            joined[owner[i]].append(output)
        return [" ".join(part for part in parts if part) for parts in joined]

    def _split(self, text: str, limit: int) -> list[str]:
        return split_to_fit(text, limit, lambda t: self.count_tokens([self.prefix + t])[0])
