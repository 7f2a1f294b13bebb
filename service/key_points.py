"""Choosing an article's key points: abstractive when asked for (or, for "auto", configured) and it
works, else extractive — with a warning that says why whenever the choice falls back.

DigestService calls plan_key_points() per article; its translation and checks come after.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from models import Seq2SeqModel
from service.abstractive import abstractive_key_points
from service.config import AUTO, EXTRACTIVE, METHODS
from service.digest import KeyPoint
from service.errors import InputError
from service.extractive import select_key_points, shortfall_warning
from service.model_slots import ModelSlot
from service.text import Article


@dataclass
class KeyPointPlan:
    """One article's key points before translation: who made them, warnings, time taken."""

    points: list[KeyPoint]
    summarizer: str  # "extractive" or the summariser's name
    warnings: list[str]
    seconds: float = 0.0


def summary_method(method: str | None) -> str:
    """The method, normalised ("auto" when empty); InputError for an unknown one (or not a string:
    the page's method is session state a client can set through its private event)."""
    if method is not None and not isinstance(method, str):
        kind = type(method).__name__
        raise InputError(f"The summary method must be one of {', '.join(METHODS)}, not a {kind}.")
    method = (method or AUTO).strip().lower()
    if method not in METHODS:
        raise InputError(f"Unknown summary method {method!r}: choose one of {', '.join(METHODS)}.")
    return method


def extractive_plan(article: Article, count: int, warnings: list[str]) -> KeyPointPlan:
    return KeyPointPlan(select_key_points(article.sentence_texts, count), EXTRACTIVE, warnings)


@dataclass
class SummarizerAccess:
    """What choosing key points needs of the service's summariser."""

    slot: ModelSlot  # its name, and why it failed to load
    configured: bool  # whether a summariser is configured at all
    load: Callable[[], Seq2SeqModel | None]  # loads it (once) and returns it, or None
    options: dict[str, Any]  # its generate() options


def plan_key_points(article: Article, count: int, method: str, summarizer: SummarizerAccess) -> KeyPointPlan:
    """Up to `count` key points by `method`, timed, with a warning when there are fewer."""
    started = time.perf_counter()
    plan = _choose(article, count, method, summarizer)
    if len(plan.points) < count:  # say why the digest is shorter than asked
        plan.warnings.append(shortfall_warning(len(article.sentences), len(plan.points), count,
                                               abstractive=plan.summarizer != EXTRACTIVE))
    plan.seconds = time.perf_counter() - started
    return plan


def _choose(article: Article, count: int, method: str, summarizer: SummarizerAccess) -> KeyPointPlan:
    slot, configured = summarizer.slot, summarizer.configured
    warnings: list[str] = []
    if method == EXTRACTIVE or (method == AUTO and not configured):
        return extractive_plan(article, count, warnings)
    if not configured:
        warnings.append(
            "Abstractive summary requested, but no summariser is configured (set DIGEST_SUMMARIZER "
            "to a hub id or model directory, e.g. IMISLab/GreekT5-mt5-small-greeksum): showing "
            "extractive key points."
        )
        return extractive_plan(article, count, warnings)
    model = summarizer.load()
    if model is None:
        warnings.append(
            f"Abstractive summary unavailable, showing extractive key points. {slot.error} {slot.fix}"
        )
        return extractive_plan(article, count, warnings)
    try:
        # The registry's options come with the model; a copy, so the caller's stay as they are.
        points = abstractive_key_points(model, article.sentence_texts, count, dict(summarizer.options))
    except Exception as exc:  # e.g. an option the backend does not support, out of memory
        warnings.append(
            f"The summariser '{slot.name}' failed ({type(exc).__name__}: {exc}): showing extractive "
            "key points."
        )
        return extractive_plan(article, count, warnings)
    if not points:
        warnings.append(
            f"The summariser '{slot.name}' produced no usable summary: showing extractive key points."
        )
        return extractive_plan(article, count, warnings)
    return KeyPointPlan(points, model.name, warnings)
