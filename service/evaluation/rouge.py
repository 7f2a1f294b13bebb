"""ROUGE-1/2/L for Greek: rouge-score with a Greek-aware tokenizer.

rouge-score's default tokenizer keeps only [a-z0-9], so every Greek word is dropped and every
score is 0. GreekTokenizer keeps letters of any script, folds case and accents (the
service.text.fold_greek form: Αθήνα, ΑΘΗΝΑ and αθηνα are one word) and, optionally, reduces
words to the Snowball Greek stems the extractive summariser uses (κυβέρνηση/κυβέρνησης).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from service.extractive import stem_words
from service.text import fold_greek

ROUGE_TYPES = ("rouge1", "rouge2", "rougeL")
_WORD = re.compile(r"[^\W_]+", re.UNICODE)  # letters and digits of any script


class GreekTokenizer:
    """rouge-score's tokenizer interface: tokenize(text) -> list of tokens."""

    def __init__(self, stem: bool = False) -> None:
        self.stem = stem

    def tokenize(self, text: str) -> list[str]:
        words = [fold_greek(w) for w in _WORD.findall(text)]
        return stem_words(words) if self.stem else words


@dataclass
class RougeScores:
    """F-measures on a 0-100 scale (averaged over documents by corpus_rouge)."""

    rouge1: float
    rouge2: float
    rougeL: float  # rouge-score's name


def _scorer(stem: bool):
    from rouge_score.rouge_scorer import RougeScorer

    return RougeScorer(list(ROUGE_TYPES), tokenizer=GreekTokenizer(stem))


def rouge(candidate: str, reference: str, *, stem: bool = False) -> RougeScores:
    """ROUGE F-measures of one candidate summary against its reference."""
    return corpus_rouge([candidate], [reference], stem=stem)


def corpus_rouge(candidates: list[str], references: list[str], *, stem: bool = False) -> RougeScores:
    """Mean ROUGE F-measures over documents (each candidate scored against its reference)."""
    if len(candidates) != len(references) or not candidates:
        raise ValueError("corpus_rouge needs as many candidates as references, at least one")
    scorer = _scorer(stem)
    totals = dict.fromkeys(ROUGE_TYPES, 0.0)
    for candidate, reference in zip(candidates, references, strict=True):
        scores = scorer.score(reference, candidate)  # rouge-score takes (target, prediction)
        for name in ROUGE_TYPES:
            totals[name] += scores[name].fmeasure
    return RougeScores(**{name: round(100 * total / len(candidates), 2) for name, total in totals.items()})
