"""Extractive key-point selection."""

from __future__ import annotations

from service.extractive import (
    MAX_SCORED_SENTENCES,
    considered_sentences,
    content_tokens,
    default_bullet_count,
    select_key_points,
)
from service.text import parse_article


def test_content_tokens_fold_case_accents_and_stem() -> None:
    assert content_tokens("ΣΥΝΕΡΓΑΣΙΑ") == content_tokens("συνεργασία")
    assert content_tokens("Οι ηγέτες") == content_tokens("ο ηγέτης")
    assert content_tokens("και το της") == []  # stop words only


def test_returns_n_sentences_in_article_order(sample_texts: dict[str, str]) -> None:
    for text in sample_texts.values():
        sentences = parse_article(text).sentence_texts
        points = select_key_points(sentences, 4)
        indices = [p.sources[0] for p in points]
        assert len(indices) == 4
        assert indices == sorted(indices)
        assert len(set(indices)) == 4
        assert all(0 <= i < len(sentences) for i in indices)


def test_lead_sentence_is_chosen_for_news(sample_texts: dict[str, str]) -> None:
    for text in sample_texts.values():
        sentences = parse_article(text).sentence_texts
        assert select_key_points(sentences, 3)[0].sources[0] == 0


def test_central_sentence_beats_off_topic_one() -> None:
    sentences = [
        "Η κυβέρνηση ανακοίνωσε νέα μέτρα για την ακρίβεια στα τρόφιμα.",
        "Ο καιρός αύριο θα είναι ηλιόλουστος σε όλη τη χώρα.",
        "Τα νέα μέτρα για την ακρίβεια περιλαμβάνουν επιδότηση στα τρόφιμα.",
        "Η επιδότηση για την ακρίβεια στα τρόφιμα θα δοθεί τον Μάρτιο.",
        "Ένας ποδοσφαιρικός αγώνας αναβλήθηκε λόγω βροχής.",
        "Η κυβέρνηση εκτιμά ότι τα μέτρα θα μειώσουν την ακρίβεια.",
    ]
    chosen = {p.sources[0] for p in select_key_points(sentences, 3, lead_weight=0.0, diversity=0.0)}
    assert 1 not in chosen and 4 not in chosen


def test_redundancy_control_skips_near_duplicates() -> None:
    sentences = [
        "Ο πρωθυπουργός συναντήθηκε με τον πρόεδρο της Γαλλίας στο Παρίσι.",
        "Ο πρωθυπουργός συναντήθηκε με τον πρόεδρο της Γαλλίας στο Παρίσι σήμερα.",
        "Συζήτησαν για την ενέργεια, τη μετανάστευση και την άμυνα της Ευρώπης.",
        "Η συνάντηση διήρκεσε δύο ώρες στο προεδρικό μέγαρο.",
    ]
    chosen = [p.sources[0] for p in select_key_points(sentences, 2, diversity=0.5)]
    assert not {0, 1} <= set(chosen)


def test_short_articles_get_fewer_bullets() -> None:
    assert default_bullet_count(1, 5) == 1
    assert default_bullet_count(4, 5) == 2
    assert default_bullet_count(30, 5) == 5
    only = ["Μία μόνο πρόταση για όλο το άρθρο σήμερα."]
    assert [p.sources[0] for p in select_key_points(only, 5)] == [0]
    assert select_key_points([], 5) == []


def test_identical_sentences_do_not_crash() -> None:
    same = ["Η ίδια πρόταση επαναλαμβάνεται ξανά και ξανά."] * 6
    points = select_key_points(same, 3)
    assert len(points) == 3


def test_indices_are_plain_ints_when_every_sentence_is_short() -> None:
    """All sentences under min_words used to give numpy integers, which JSON cannot write."""
    short = ["Η βουλή ψήφισε.", "Ο λαός αντέδρασε.", "Τέλος εποχής."] * 4
    for sentences in (["Ο " + "α" * 300 + "."], short):
        points = select_key_points(sentences, 3)
        assert points and all(type(i) is int for p in points for i in p.sources)


def test_a_flood_of_sentences_is_scored_on_a_bounded_subset() -> None:
    long_one = "Η κυβέρνηση ανακοίνωσε σήμερα νέα μέτρα για την ακρίβεια στα τρόφιμα."
    sentences = ["Ναι."] * 3000 + [long_one] + ["Όχι."] * 3000
    considered = considered_sentences(sentences, min_words=4)
    assert len(considered) == MAX_SCORED_SENTENCES and 3000 in considered
    assert considered == sorted(considered)
    assert [p.sources for p in select_key_points(sentences, 3)] == [[3000]]  # the one real sentence


def test_articles_within_the_cap_are_scored_as_before(sample_texts: dict[str, str]) -> None:
    for text in sample_texts.values():
        sentences = parse_article(text).sentence_texts
        assert considered_sentences(sentences, 4) == list(range(len(sentences)))
