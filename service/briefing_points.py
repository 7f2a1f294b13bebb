"""A briefing's points: what several articles on one story report, who reports it, where they disagree.

The extractive summariser's tools do the work (service.extractive): Greek-normalised content words,
TF-IDF cosine similarity, LexRank centrality with a lead bias, MMR. Sentences of different articles
whose similarity passes SAME_FACT are grouped (at most one sentence per article in a group, and a
group only joins another when their sentences are alike on average, so a chain of loosely related
sentences does not become one "fact"). Groups rank by their best sentence's centrality in the pooled
graph, boosted by the share of the articles that report them; MMR keeps near-repeats out. Figures
are read with the checker's Greek number parser (service.checks.numbers).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from service.checks.dates import greek_dates
from service.checks.numbers import GreekNumber, greek_numbers
from service.extractive import (
    MAX_SCORED_SENTENCES,
    considered_sentences,
    content_tokens,
    ends_like_sentence,
    is_credit_line,
    mmr_select,
    sentence_scores,
    tfidf_similarity,
)

# Memory: the pooled similarity matrix is n² floats. At most this many sentences per article, and
# in all the digest's own bound (split evenly among the articles), are considered: 400² floats is
# about 1.3 MB. A news article rarely has more than 60 sentences; which ones are kept is the
# digest's rule (the earliest full sentences: news puts the facts first).
MAX_SENTENCES_PER_ARTICLE = 120
MAX_SENTENCES_TOTAL = MAX_SCORED_SENTENCES
SAME_FACT = 0.22  # cosine similarity of two sentences that report the same thing (tuned on the samples)
MIN_WORDS = 4  # shorter sentences (headings, credits) are points only when nothing else is left
DIVERSITY = 0.3  # MMR trade-off, as in the digest


@dataclass
class SourceRef:
    article: int  # index into the briefing's articles
    sentence: int  # index into that article's sentences


@dataclass
class PointPlan:
    """One chosen point before translation: its Greek, where it comes from, what its sources say."""

    el: str
    sources: list[SourceRef]  # the representative sentence first, then the others by article
    reported_by: list[int]  # article indices, ascending
    disagreements: list[dict] = field(default_factory=list)  # {"values": [{article, text}], "message"}


def considered(articles: list[list[str]]) -> list[list[int]]:
    """The sentences of each article that are looked at (the memory bound), by index."""
    cap = min(MAX_SENTENCES_PER_ARTICLE, max(1, MAX_SENTENCES_TOTAL // max(1, len(articles))))
    return [considered_sentences(sentences, MIN_WORDS, cap) for sentences in articles]


def _group(similarity: np.ndarray, article_of: np.ndarray) -> list[list[int]]:
    """Groups of pooled sentence indices: the most similar cross-article pairs first, merged while
    each article appears once in a group and the merged sentences are alike on average."""
    n = len(article_of)
    group_of = list(range(n))
    members: dict[int, list[int]] = {i: [i] for i in range(n)}
    other_article = article_of[:, None] != article_of[None, :]
    rows, cols = np.nonzero(np.triu((similarity >= SAME_FACT) & other_article, k=1))
    for i, j in sorted(zip(rows.tolist(), cols.tolist(), strict=True), key=lambda p: -similarity[p]):
        a, b = group_of[i], group_of[j]
        if a == b or set(article_of[members[a]]) & set(article_of[members[b]]):
            continue
        if similarity[np.ix_(members[a], members[b])].mean() < 0.75 * SAME_FACT:
            continue
        for k in members[b]:
            group_of[k] = a
        members[a] += members.pop(b)
    return list(members.values())


def _number_key(text: str, number: GreekNumber) -> str:
    """What a figure counts: the first content word after it (or else the last one before it)."""
    after = content_tokens(text[number.end : number.end + 60])
    if after:
        return after[0]
    before = content_tokens(text[max(0, number.start - 60) : number.start])
    return before[-1] if before else ""


def _figures(text: str) -> list[GreekNumber]:
    return greek_numbers(text, skip=greek_dates(text).spans)


def _conflicts(first: str, second: str) -> list[tuple[str, str]]:
    """Figures of two sentences that look like the same fact with different values: counting the same
    thing (the word after them), or the only figure each has left unmatched."""
    a, b = _figures(first), _figures(second)
    only_a = [x for x in a if all(abs(x.value - y.value) > 1e-9 for y in b)]
    only_b = [y for y in b if all(abs(y.value - x.value) > 1e-9 for x in a)]
    found = [
        (x.text, y.text) for x in only_a for y in only_b
        if _number_key(first, x) and _number_key(first, x) == _number_key(second, y)
    ]
    if not found and len(only_a) == len(only_b) == 1:
        x, y = only_a[0], only_b[0]
        low, high = sorted((x.value, y.value))
        # Both percentages or neither, and of one order of magnitude: likely the same quantity.
        if ("%" in x.expected) == ("%" in y.expected) and low > 0 and high <= 10 * low:
            found.append((x.text, y.text))
    return found


def disagreements(refs: list[SourceRef], texts: list[str]) -> list[dict]:
    """"Sources disagree: 10.000 (article 1) / 12.000 (article 2)" for each conflicting pair of figures."""
    found: list[dict] = []
    seen: set[tuple[str, str]] = set()
    for i, first in enumerate(refs):
        for second, text in zip(refs[i + 1 :], texts[i + 1 :], strict=True):
            for x, y in _conflicts(texts[i], text):
                if (x, y) in seen:
                    continue
                seen.add((x, y))
                found.append({
                    "values": [{"article": first.article, "text": x}, {"article": second.article, "text": y}],
                    "message": f"Sources disagree: {x} (article {first.article + 1}) / "
                    f"{y} (article {second.article + 1}).",
                })
    return found


def find_points(articles: list[list[str]], count: int, looked_at: list[list[int]]) -> list[PointPlan]:
    """Up to `count` points from the articles' sentences, the most central and widely reported first;
    `looked_at`: the sentences of each article to consider (considered())."""
    refs = [SourceRef(a, i) for a, indices in enumerate(looked_at) for i in indices]
    if not refs:
        return []
    texts = [articles[r.article][r.sentence] for r in refs]
    similarity = tfidf_similarity([content_tokens(t) for t in texts])
    article_of = np.array([r.article for r in refs])
    # The lead bias by the position among the sentences looked at (all of them, in a real article).
    positions = np.concatenate([np.arange(len(indices), dtype=float) for indices in looked_at if indices])
    score = sentence_scores(similarity, positions)
    # As in the digest: headings (no full stop), source lines ("Πηγή: …") and very short lines are
    # points only when nothing else is left.
    long_enough = np.array([
        len(t.split()) >= MIN_WORDS and ends_like_sentence(t) and not is_credit_line(t) for t in texts
    ])

    groups = _group(similarity, article_of)
    best = [max(g, key=lambda i: (bool(long_enough[i]), score[i])) for g in groups]
    reach = np.array([len(g) for g in groups])  # one sentence per article in a group
    boost = 1.0 + (reach - 1) / max(1, len(articles) - 1)
    group_score = np.array([score[b] for b in best]) * boost
    # Redundancy between groups: the most similar pair of their sentences.
    row_max = np.array([similarity[g].max(axis=0) for g in groups])
    group_similarity = np.stack([row_max[:, g].max(axis=1) for g in groups], axis=1)
    candidates = [k for k, b in enumerate(best) if long_enough[b]] or list(range(len(groups)))
    chosen = mmr_select(
        candidates, group_score / group_score.max(), group_similarity, count, DIVERSITY, repeat=SAME_FACT
    )

    points = []
    for k in chosen:
        ordered = [best[k], *sorted((i for i in groups[k] if i != best[k]), key=lambda i: refs[i].article)]
        sources = [refs[i] for i in ordered]
        points.append(PointPlan(
            el=texts[best[k]],
            sources=sources,
            reported_by=sorted(r.article for r in sources),
            disagreements=disagreements(sources, [texts[i] for i in ordered]),
        ))
    return points
