"""Extractive key-point selection for Greek news: sentence centrality with a lead bias and MMR.

Sentences are compared as TF-IDF vectors of Greek-normalised content words (case and accents
folded, stop words dropped, Snowball Greek stems). Centrality is PageRank over the cosine
similarity graph (LexRank), personalised towards the lead because news puts the key facts first.
Maximal marginal relevance then picks central sentences that do not repeat each other.
"""

from __future__ import annotations

import math
import re
import threading
from collections import Counter

import numpy as np

from service.digest import KeyPoint
from service.text import fold_greek

# Function words of Greek news prose, accent-free lower case (as produced by fold_greek).
GREEK_STOPWORDS = frozenset(
    """
    ο η το οι τα του τησ των τον την τουσ τισ στο στη στην στον στα στουσ στισ στου στησ
    ενα ενασ μια μιασ ενοσ και κι να θα με σε απο για προσ κατα μετα χωρισ ωσ οτι πωσ που
    ποιοσ ποια ποιο δεν μην μη ειναι ηταν εχει εχουν ειχε ειχαν αλλα ομωσ ενω οπωσ αν εαν
    αυτο αυτη αυτοσ αυτα αυτεσ αυτουσ αυτων αυτου αυτησ τουσ τησ του τοσο πολυ πιο ηδη επισησ
    εξαλλου ακομη ακομα μονο ολα ολοι ολεσ καθε οσο οσα οπου οταν τι δε γε μασ σασ μου σου
    τουσ τουτο εκει εδω ετσι μεσα πανω κατω πριν μετα αφου λοιπον δηλαδη κ κα κοσ
    """.split()
)
_WORD = re.compile(r"[^\W_]+", re.UNICODE)
# Lines that are not news prose: "Πηγή: skai.gr", "Φωτογραφία: Eurokinissi", "Διαβάστε επίσης…"
# (matched on the fold_greek form of the sentence's start).
_CREDIT_LINE = re.compile(
    r"^(?:(?:πηγ(?:η|εσ)|φωτογραφι(?:α|εσ)|φωτο|φωτ|επιμελεια|ρεπορταζ|κειμενο|source|photo)\s*:"
    r"|(?:διαβαστε|δειτε) (?:επισησ|ακομα|ακομη|περισσοτερα))"
)
_SENTENCE_END = re.compile(r"[.!?;…][»”\"'’)\]]*$")  # a heading has none


_local = threading.local()


def _stemmer():
    """One stemmer per thread: snowballstemmer objects keep per-word state and are not thread-safe."""
    stemmer = getattr(_local, "stemmer", None)
    if stemmer is None:
        import snowballstemmer

        stemmer = _local.stemmer = snowballstemmer.stemmer("greek")
    return stemmer


def stem_words(words: list[str]) -> list[str]:
    """Snowball Greek stems of folded words (fold_greek); other words come back unchanged."""
    return _stemmer().stemWords(words)


def content_tokens(text: str) -> list[str]:
    """Greek-normalised content words: folded case/accents, no stop words, light stemming."""
    words = [w for w in (fold_greek(t) for t in _WORD.findall(text)) if w not in GREEK_STOPWORDS]
    words = [w for w in words if len(w) > 1 and not w.isdigit()]
    return stem_words(words)


def is_credit_line(sentence: str) -> bool:
    """A source, photo or "read also" line: never a key point."""
    return bool(_CREDIT_LINE.match(fold_greek(sentence.lstrip("«“\"'([–—- "))))


def ends_like_sentence(sentence: str) -> bool:
    """False for a heading or a caption: text without a full stop, question or exclamation mark."""
    return bool(_SENTENCE_END.search(sentence.rstrip()))


def default_bullet_count(n_sentences: int, requested: int) -> int:
    """Fewer bullets for short articles: never more than about half the sentences."""
    return max(1, min(requested, math.ceil(n_sentences / 2)))


# The centrality step holds several dense n×n float matrices: memory grows with the square of the
# sentence count (a 20,000-character flood of one-word sentences has ~6,000 of them: gigabytes). So
# at most this many sentences are scored. A cap rather than sparse matrices, because short sentences
# that share a word make the similarity graph dense anyway; rather than chunking, because chunks
# would each have their own "lead". 400 is far above a real article (a 20,000-character news text
# has ~150 sentences), so those are scored exactly as before, and keeps the peak near 10 MB.
MAX_SCORED_SENTENCES = 400


def considered_sentences(sentences: list[str], min_words: int, cap: int = MAX_SCORED_SENTENCES) -> list[int]:
    """Indices of the sentences to score, at most `cap`: all when they fit, else the earliest
    sentences of at least `min_words` words (the only ones chosen while any exist), topped up with
    the earliest short ones, in article order."""
    if len(sentences) <= cap:
        return list(range(len(sentences)))
    is_long = [len(s.split()) >= min_words for s in sentences]
    long_enough = [i for i, long in enumerate(is_long) if long][:cap]
    short = [i for i, long in enumerate(is_long) if not long][: cap - len(long_enough)]
    return sorted(long_enough + short)


def shortfall_warning(n_sentences: int, got: int, asked: int, abstractive: bool = False) -> str:
    """Why a digest has fewer key points than asked for, in one line."""
    if abstractive:
        return f"The summariser's summary gave {got} key points, not {asked}: it had no more sentences."
    cap = default_bullet_count(n_sentences, asked)
    if cap < asked:
        return (f"{n_sentences} sentences: at most {cap} key points (about half the sentences), "
                f"so {got} instead of {asked}.")
    return (f"{got} key points instead of {asked}: headings, source lines and very short "
            "sentences are not used as key points.")


def tfidf_similarity(token_lists: list[list[str]]) -> np.ndarray:
    """Cosine similarity of the sentences' TF-IDF vectors (log tf, smoothed idf), n×n.

    Built from each term's postings rather than a dense sentence × vocabulary matrix, so memory is
    n² plus the tokens themselves, whatever the vocabulary (a briefing pools several articles).
    """
    n = len(token_lists)
    counts = [Counter(tokens) for tokens in token_lists]
    df = Counter(term for count in counts for term in count)
    idf = {term: math.log((1 + n) / (1 + d)) + 1.0 for term, d in df.items()}
    postings: dict[str, tuple[list[int], list[float]]] = {}
    similarity = np.zeros((n, n))
    for row, count in enumerate(counts):
        weights = {term: math.log1p(c) * idf[term] for term, c in count.items()}
        norm = math.sqrt(sum(w * w for w in weights.values()))
        if not norm:
            continue
        similarity[row, row] = 1.0
        for term, weight in weights.items():
            if df[term] > 1:  # a term of one sentence adds to no pair
                rows, values = postings.setdefault(term, ([], []))
                rows.append(row)
                values.append(weight / norm)
    for rows, values in postings.values():
        vector = np.array(values)
        block = np.outer(vector, vector)
        np.fill_diagonal(block, 0.0)
        similarity[np.ix_(rows, rows)] += block
    return similarity


def pagerank(similarity: np.ndarray, prior: np.ndarray, damping: float = 0.85) -> np.ndarray:
    n = similarity.shape[0]
    weights = similarity.copy()
    np.fill_diagonal(weights, 0.0)
    row_sums = weights.sum(axis=1, keepdims=True)
    # A sentence sharing no word with any other jumps to the prior instead of leaking rank.
    transition = np.where(row_sums > 0, weights / np.where(row_sums == 0, 1, row_sums), prior)
    rank = np.full(n, 1.0 / n)
    for _ in range(100):
        new = (1 - damping) * prior + damping * (rank @ transition)
        if np.abs(new - rank).sum() < 1e-9:
            return new
        rank = new
    return rank


def sentence_scores(similarity: np.ndarray, positions: np.ndarray, lead_weight: float = 1.0) -> np.ndarray:
    """Centrality (LexRank, personalised towards each sentence's own lead) with a lead boost, 0..1.

    positions: each sentence's index in its own article (a briefing pools several articles)."""
    prior = 1.0 / (1.0 + positions) ** lead_weight
    prior /= prior.sum()
    centrality = pagerank(similarity, prior)
    # Lead-3 is a strong baseline for news: boost early sentences beyond the PageRank prior.
    score = centrality / centrality.max() * (1.0 + lead_weight / (1.0 + positions))
    return score / score.max()


def mmr_select(
    candidates: list[int],
    score: np.ndarray,
    similarity: np.ndarray,
    n: int,
    diversity: float,
    repeat: float | None = None,
) -> list[int]:
    """Up to `n` candidates by maximal marginal relevance, in the order chosen; with `repeat`, a
    candidate at least that similar to a chosen one is dropped (it says the same thing)."""
    candidates = list(candidates)
    chosen: list[int] = []
    while candidates and len(chosen) < n:
        def mmr(i: int) -> float:
            redundancy = max((similarity[i, j] for j in chosen), default=0.0)
            return (1 - diversity) * score[i] - diversity * redundancy

        best = max(candidates, key=mmr)
        chosen.append(best)
        candidates.remove(best)
        if repeat is not None:
            candidates = [i for i in candidates if similarity[i, best] < repeat]
    return chosen


def select_key_points(
    sentences: list[str],
    n: int = 5,
    lead_weight: float = 1.0,
    diversity: float = 0.3,
    min_words: int = 4,
) -> list[KeyPoint]:
    """The `n` most central, non-redundant sentences, in article order (each its own source).

    lead_weight: strength of the news lead bias (0 = none); diversity: MMR trade-off
    (0 = pure centrality, 1 = pure novelty); sentences shorter than `min_words` are only
    chosen when nothing else is left; source lines ("Πηγή: …") never, and headings (no full stop)
    only when no sentence of the article ends like one.
    """
    if not sentences:
        return []
    n = default_bullet_count(len(sentences), n)
    considered = considered_sentences(sentences, min_words)
    if len(considered) < len(sentences):
        picked = select_key_points([sentences[i] for i in considered], n, lead_weight, diversity, min_words)
        return [KeyPoint(p.text, [considered[i] for i in p.sources]) for p in picked]
    token_lists = [content_tokens(s) for s in sentences]
    similarity = tfidf_similarity(token_lists)
    positions = np.arange(len(sentences))
    score = sentence_scores(similarity, positions, lead_weight)

    # Plain ints (enumerate): numpy integers would leak into Bullet.sources and break JSON writing.
    usable = [i for i, s in enumerate(sentences) if not is_credit_line(s)]
    proper = [i for i in usable if ends_like_sentence(sentences[i])] or usable
    candidates = [i for i in proper if len(sentences[i].split()) >= min_words] or proper
    chosen = mmr_select(candidates, score, similarity, n, diversity)
    return [KeyPoint(sentences[i], [int(i)]) for i in sorted(chosen)]
