"""Abstractive key points: a Greek seq2seq summariser, with the evidence kept.

The article's sentences are packed into chunks of whole sentences that fit the model's input
limit (balanced, so a long article does not end in a one-sentence chunk); each chunk is
summarised; the summaries are split into sentences, cleaned, near-duplicates dropped, and at most
N kept (taken round-robin over the chunks, so the end of a long article is not crowded out).
Each bullet is then linked to the one or two article sentences it draws on, by IDF-weighted
overlap of Greek-normalised content words, so the evidence view works as for extractive bullets.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

from models.base import Seq2SeqModel
from service.digest import KeyPoint
from service.extractive import content_tokens
from service.text import split_sentences

# Sensible defaults for news summarisation; the registry's per-model options (model.generation,
# set by load_seq2seq) and the caller's options override them.
GENERATION_DEFAULTS: dict[str, Any] = {"num_beams": 4, "no_repeat_ngram_size": 3, "max_new_tokens": 128}
# Chunks are generated a few at a time: 4 beams × 512 input tokens is plenty of memory per batch.
BATCH_SIZE = 4
MIN_BULLET_WORDS = 3  # shorter "sentences" are fragments (a dangling date, a name)
DUPLICATE_OVERLAP = 0.6  # Jaccard overlap of content words above which two bullets say the same
SECOND_SOURCE_SCORE = 0.25  # share of a bullet's weighted words a second source must cover


def _token_costs(model: Seq2SeqModel, sentences: Sequence[str]) -> tuple[int, list[int]]:
    """Input tokens of the prefix + special tokens, and of each sentence on its own."""
    empty, prefix_only, *each = model.count_tokens(["", model.prefix, *sentences])
    return prefix_only, [max(1, n - empty) for n in each]


def chunk_sentences(model: Seq2SeqModel, sentences: Sequence[str]) -> list[list[int]]:
    """Consecutive sentence indices grouped so that each group fits the model's input limit.

    The groups are about equal in size (what is left / number of chunks still needed) rather
    than greedily full, because a summariser given a one-sentence tail chunk mostly repeats it.
    A single sentence longer than the limit is a chunk of its own (generate() splits it).
    """
    if not sentences:
        return []
    base, costs = _token_costs(model, sentences)
    room = max(1, model.max_input_tokens - base)
    left = [sum(costs[i:]) for i in range(len(costs))]
    chunks: list[list[int]] = []
    start = 0
    while start < len(costs):
        target = left[start] / math.ceil(left[start] / room)
        used, end = 0, start
        while end < len(costs):
            after = used + costs[end]
            # Stop before a sentence that breaks the limit, or overshoots the target by more
            # than stopping would undershoot it; a chunk always takes at least one sentence.
            if end > start and (after > room or after - target > target - used):
                break
            used, end = after, end + 1
        chunks.append(list(range(start, end)))
        start = end
    # Token counts of joined text differ slightly from the sum of the parts: check, and halve
    # any chunk that came out over the limit.
    return [piece for chunk in chunks for piece in _fit(model, sentences, chunk)]


def _fit(model: Seq2SeqModel, sentences: Sequence[str], chunk: list[int]) -> list[list[int]]:
    text = model.prefix + " ".join(sentences[i] for i in chunk)
    if len(chunk) == 1 or model.count_tokens([text])[0] <= model.max_input_tokens:
        return [chunk]
    half = len(chunk) // 2
    return _fit(model, sentences, chunk[:half]) + _fit(model, sentences, chunk[half:])


def summary_sentences(summary: str) -> list[str]:
    """The sentences of a generated summary that can stand as bullets."""
    result = []
    for paragraph in summary.splitlines():
        for sentence in split_sentences(paragraph.strip()):
            sentence = sentence.strip(" -–—•*")
            words = sentence.split()
            wordy = sum(any(c.isalpha() for c in w) for w in words)  # not just numbers and symbols
            if len(words) >= MIN_BULLET_WORDS and wordy >= 2:
                result.append(sentence)
    return result


def _jaccard(a: set[str], b: set[str]) -> float:
    return len(a & b) / len(a | b) if a and b else 0.0


def _dedupe(candidates: list[tuple[int, str]]) -> list[tuple[int, str]]:
    """Drop later candidates that repeat an earlier one (same folded text or most content words)."""
    kept: list[tuple[int, str, set[str]]] = []
    for chunk, text in candidates:
        tokens = set(content_tokens(text))
        folded = " ".join(text.lower().split())
        if any(
            folded == " ".join(other.lower().split()) or _jaccard(tokens, other_tokens) >= DUPLICATE_OVERLAP
            for _, other, other_tokens in kept
        ):
            continue
        kept.append((chunk, text, tokens))
    return [(chunk, text) for chunk, text, _ in kept]


def _round_robin(per_chunk: list[list[str]], n: int) -> list[tuple[int, str]]:
    """Up to n (chunk, sentence) pairs: first sentence of every chunk, then second, …; in order."""
    picked: list[tuple[int, int, str]] = []
    depth = 0
    while len(picked) < n and any(depth < len(s) for s in per_chunk):
        for chunk, sentences in enumerate(per_chunk):
            if depth < len(sentences) and len(picked) < n:
                picked.append((chunk, depth, sentences[depth]))
        depth += 1
    return [(chunk, text) for chunk, _, text in sorted(picked)]


class SourceLinker:
    """Links a bullet to the article sentences whose content words it uses."""

    def __init__(self, sentences: Sequence[str]) -> None:
        self.tokens = [set(content_tokens(s)) for s in sentences]
        df: dict[str, int] = {}
        for tokens in self.tokens:
            for t in tokens:
                df[t] = df.get(t, 0) + 1
        n = len(sentences)
        self.idf = {t: math.log((1 + n) / (1 + d)) + 1.0 for t, d in df.items()}

    def _weight(self, tokens: set[str]) -> float:
        # Words the article never uses (the summariser's own) still count in the denominator.
        return sum(self.idf.get(t, 1.0) for t in tokens)

    def link(self, text: str, chunk: Sequence[int]) -> list[int]:
        """The best-matching sentence, plus a second one that covers more of the bullet."""
        words = set(content_tokens(text))
        total = self._weight(words)
        in_chunk = set(chunk)

        def rank(i: int) -> tuple[float, bool, int]:
            score = self._weight(words & self.tokens[i]) / total if total else 0.0
            return (round(score, 9), i in in_chunk, -i)

        ranked = sorted(range(len(self.tokens)), key=rank, reverse=True)
        if not ranked:
            return []
        best = ranked[0]
        if rank(best)[0] == 0.0:
            # Nothing in common (a paraphrase, or a model that made things up): point at the
            # start of the chunk the bullet was generated from.
            return [min(in_chunk)] if in_chunk else [best]
        sources = [best]
        uncovered = words - self.tokens[best]
        for i in ranked[1:]:
            if rank(i)[0] < SECOND_SOURCE_SCORE:
                break
            if uncovered & self.tokens[i]:
                sources.append(i)
                break
        return sorted(sources)


def abstractive_key_points(
    model: Seq2SeqModel,
    sentences: Sequence[str],
    n: int,
    options: dict[str, Any] | None = None,
) -> list[KeyPoint]:
    """Up to `n` abstractive bullets of the article `sentences`, each with its source sentences.

    `options` are generate() options (num_beams, max_new_tokens, no_repeat_ngram_size, …) on
    top of GENERATION_DEFAULTS. Returns [] when the model produced nothing usable; the caller
    falls back to extractive.
    """
    if not sentences or n < 1:
        return []
    chunks = chunk_sentences(model, sentences)
    summaries = model.generate(
        [" ".join(sentences[i] for i in chunk) for chunk in chunks],
        batch_size=BATCH_SIZE,
        **{**GENERATION_DEFAULTS, **model.generation, **(options or {})},  # registry's over defaults
    )
    per_chunk = [summary_sentences(s) for s in summaries]
    # Dedupe across chunks before capping, so a repeated point does not take a later one's place.
    flat = _dedupe([(c, s) for c, sents in enumerate(per_chunk) for s in sents])
    per_chunk = [[s for c, s in flat if c == chunk] for chunk in range(len(chunks))]
    linker = SourceLinker(sentences)
    return [
        KeyPoint(text, linker.link(text, chunks[chunk]))
        for chunk, text in _round_robin(per_chunk, n)
    ]
