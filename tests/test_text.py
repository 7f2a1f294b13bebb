"""The Greek-aware normaliser, language check and sentence splitter."""

from __future__ import annotations

import pytest

from service.errors import InputError
from service.text import (
    check_greek,
    normalize,
    parse_article,
    split_paragraphs,
    split_sentences,
)


@pytest.mark.parametrize(
    ("paragraph", "expected"),
    [
        # ';' is the Greek question mark; '·' (ano teleia) is a semicolon.
        ("Τι είπε; Είπε πολλά· όμως όχι όλα.", ["Τι είπε;", "Είπε πολλά· όμως όχι όλα."]),
        # U+037E, the Greek question mark character, becomes ';' under NFC and still splits.
        ("Πού πας\u037e Στο σπίτι.", ["Πού πας;", "Στο σπίτι."]),
        ("Είπε πολλά\u0387 Όμως όχι όλα.", ["Είπε πολλά· Όμως όχι όλα."]),
        ("Ο κ. Πούτιν μίλησε. Ο κ.κ. Παπάς όχι.", ["Ο κ. Πούτιν μίλησε.", "Ο κ.κ. Παπάς όχι."]),
        ("Φρούτα, π.χ. Μήλα, και δηλ. Αχλάδια.", ["Φρούτα, π.χ. Μήλα, και δηλ. Αχλάδια."]),
        ("Πήραν χαρτιά, μολύβια κλπ. Και έφυγαν.", ["Πήραν χαρτιά, μολύβια κλπ. Και έφυγαν."]),
        ("Απέχει 5 χλμ. Από την πόλη.", ["Απέχει 5 χλμ. Από την πόλη."]),
        ("Κόστισε 3 δισ. Ευρώ και 2 εκ. Δολάρια.", ["Κόστισε 3 δισ. Ευρώ και 2 εκ. Δολάρια."]),
        ("Ο νόμος με αριθ. 4412 ψηφίστηκε.", ["Ο νόμος με αριθ. 4412 ψηφίστηκε."]),
        ("Στις 15 Ιαν. 2025 έγινε. Μετά όχι.", ["Στις 15 Ιαν. 2025 έγινε.", "Μετά όχι."]),
        ("Οι Η.Π.Α. Και ο Ο.Η.Ε. συμφώνησαν.", ["Οι Η.Π.Α. Και ο Ο.Η.Ε. συμφώνησαν."]),
        ("Κόστισε 1.200 ευρώ. Αύξηση 2,5 φορές.", ["Κόστισε 1.200 ευρώ.", "Αύξηση 2,5 φορές."]),
        ("Ήρθε ο Β. Πούτιν! «Ναι;» ρώτησε.", ["Ήρθε ο Β. Πούτιν!", "«Ναι;» ρώτησε."]),
        ("Είπε «Όχι.» Μετά έφυγε.", ["Είπε «Όχι.»", "Μετά έφυγε."]),
        # A sentence end typed without its space; dotted acronyms stay whole.
        ("Μίλησε.Η βουλή ψήφισε;Ναι.", ["Μίλησε.", "Η βουλή ψήφισε;", "Ναι."]),
        ("Στις Η.Π.Α.Ο πρόεδρος μίλησε.", ["Στις Η.Π.Α.Ο πρόεδρος μίλησε."]),
        # A lower-case continuation is not a new sentence.
        ("Περίμενε... και μετά έφυγε.", ["Περίμενε... και μετά έφυγε."]),
        # An abbreviation at the very end of a paragraph still ends its sentence.
        ("Ήρθαν οι Η.Π.Α.", ["Ήρθαν οι Η.Π.Α."]),
        ("Αγόρασε ψωμί, γάλα κλπ.", ["Αγόρασε ψωμί, γάλα κλπ."]),
    ],
)
def test_split_sentences(paragraph: str, expected: list[str]) -> None:
    assert split_sentences(normalize(paragraph)) == expected


def test_abbreviation_at_paragraph_end_ends_the_sentence() -> None:
    article = parse_article(
        "Στην αίθουσα ήταν ο Πρόεδρος των Η.Π.Α.\n\nΟ Κιμ Γιονγκ Ουν δεν ήταν εκεί ο κ."
        "\n\nΗ σύνοδος τελείωσε νωρίς το απόγευμα της Τρίτης."
    )
    assert [s.text for s in article.sentences] == [
        "Στην αίθουσα ήταν ο Πρόεδρος των Η.Π.Α.",
        "Ο Κιμ Γιονγκ Ουν δεν ήταν εκεί ο κ.",
        "Η σύνοδος τελείωσε νωρίς το απόγευμα της Τρίτης.",
    ]
    assert [s.paragraph for s in article.sentences] == [0, 1, 2]


def test_samples_split_cleanly(sample_texts: dict[str, str]) -> None:
    for name, text in sample_texts.items():
        article = parse_article(text)
        sentences = article.sentence_texts
        assert len(sentences) >= 8, name
        for sentence in sentences:
            assert not sentence.endswith(" κ."), sentence
            assert not sentence.startswith(("Γιονγκ", "Ουν")), sentence
            # Only a whole paragraph (a sub-heading, a "Πηγή:" line) may lack a full stop.
            assert sentence[-1] in ".;!»" or sentence in article.paragraphs, sentence
        # Every name stays inside one sentence.
        joined = " | ".join(sentences)
        assert "Κιμ | Γιονγκ" not in joined and "Γιονγκ | Ουν" not in joined


def test_putin_kim_sample_sentence_count(sample_texts: dict[str, str]) -> None:
    sentences = parse_article(sample_texts["el-news-putin-kim-call"]).sentence_texts
    assert len(sentences) == 9
    assert sentences[3].startswith("Ο Βλαντίμιρ Πούτιν εξάλλου")
    assert "με τον κ. Κιμ ενόψει" in sentences[3]


def test_normalize_cleans_web_text() -> None:
    raw = "\ufeffΟ\u00a0πρόεδρος\u200b  είπε “ναι” &amp; έφυγε.\r\n\r\n\r\n\tΤέλος.\x07"
    assert normalize(raw) == "Ο πρόεδρος είπε «ναι» & έφυγε.\n\nΤέλος."


def test_normalize_extracts_article_from_html() -> None:
    page = (
        "<html><head><script>var tracking = 1;</script><style>p{}</style></head><body>"
        "<nav><a href='/'>Αρχική</a></nav><article><h1>Τίτλος</h1>"
        "<p>Ο Ρώσος πρόεδρος μίλησε με τον Κιμ Γιονγκ Ουν για τη συνεργασία.</p>"
        "<p>Οι δύο ηγέτες συμφώνησαν να ενισχύσουν τις σχέσεις τους.</p></article>"
        "</body></html>"
    )
    text = normalize(page)
    assert "tracking" not in text and "<" not in text
    assert "Ο Ρώσος πρόεδρος μίλησε" in text
    paragraphs = split_paragraphs(text)
    assert "Οι δύο ηγέτες συμφώνησαν να ενισχύσουν τις σχέσεις τους." in paragraphs


def test_paragraphs_from_single_newlines_and_soft_wraps() -> None:
    assert split_paragraphs("Α πρώτη.\nΒ δεύτερη.") == ["Α πρώτη.", "Β δεύτερη."]
    assert split_paragraphs("Α πρώτη\nσυνέχεια.\n\nΒ δεύτερη.") == ["Α πρώτη συνέχεια.", "Β δεύτερη."]


@pytest.mark.parametrize(
    "text",
    [
        "",
        "   \n\t ",
        "The Russian president spoke with the North Korean leader on Tuesday about cooperation.",
        "12345 678 90",
        "😀😀😀",
    ],
)
def test_non_greek_input_is_rejected_clearly(text: str) -> None:
    with pytest.raises(InputError) as info:
        check_greek(normalize(text))
    message = str(info.value)
    assert "\n" not in message
    assert "Greek" in message or "empty" in message


def test_mostly_greek_with_english_names_is_accepted() -> None:
    check_greek("Το πρακτορείο KCNA και το Reuters ανέφεραν ότι η συνάντηση έγινε στη Μόσχα.")


def test_too_long_article_is_rejected() -> None:
    with pytest.raises(InputError, match="too long"):
        parse_article("Αυτή είναι μια πρόταση. " * 100, max_chars=500)


# After an abbreviation, unit or acronym the next word decides: a word that only opens sentences
# (an article in any case or gender, σε + article, a sentence adverb or connective) ends the
# sentence; a name, a noun or "Από"/"Και" (which continue it after a unit or "κλπ.") does not.
OPENERS = ["Ο", "Η", "Το", "Οι", "Τα", "Τον", "Την", "Του", "Της", "Των", "Τους", "Τις", "Στον", "Στην",
           "Στο", "Στους", "Στις", "Στα", "Πλέον", "Επίσης", "Ωστόσο", "Παράλληλα", "Όμως", "Ακόμη",
           "Σύμφωνα", "Εξάλλου", "Μάλιστα", "Συγκεκριμένα", "Με", "Για", "Κατά", "Μετά"]
ENDINGS = ["μήκους 15 χλμ.", "μήκους 25,6 χλμ.", "του Κ.Κ.Ε.", "των Η.Π.Α.", "στις 15 Ιαν.", "κόστος 3 δισ.",
           "χαρτιά, μολύβια κλπ.", "σε 10 μ.", "έκταση 12 στρ.", "σπίτι 40 τ.μ."]


@pytest.mark.parametrize("opener", OPENERS)
@pytest.mark.parametrize("ending", ENDINGS)
def test_sentence_ends_after_abbreviation_before_an_opener(ending: str, opener: str) -> None:
    first, second = f"Η πορεία είχε {ending}", f"{opener} συνέχεια είναι άγνωστη."
    assert split_sentences(normalize(f"{first} {second}")) == [first, second]


@pytest.mark.parametrize(
    "paragraph",
    [
        "Ο κ. Μητσοτάκης μίλησε στη Βουλή.",
        "Μίλησε ο κ. Κιμ Γιονγκ Ουν για τις σχέσεις.",
        "Πόλεις, π.χ. Αθήνα και Θεσσαλονίκη, συμμετέχουν.",
        "Ήρθε ο Β. Πούτιν με τον Α. Τσίπρα.",
        "Ο πρέσβης των Η.Π.Α. Τζορτζ Τσούνης μίλησε.",
        "Απέχει 5 χλμ. Από την πόλη.",
        "Πήραν χαρτιά, μολύβια κλπ. Και έφυγαν.",
        "Κόστισε 3 δισ. Ευρώ συνολικά.",
        "Κόστισε 3 τρισ. Ευρώ και 40 τ.μ. Γης.",
        "Στις 15 Ιαν. 2025 έγινε η σύνοδος.",
        "Ο δρ. Παπαδόπουλος και η καθ. Ιωάννου μίλησαν.",
        "Στις Η.Π.Α. Η.Β. και Ε.Ε. υπάρχουν κανόνες.",  # an acronym is not the article Η
        "ΜΙΛΗΣΕ Ο Κ. ΜΗΤΣΟΤΑΚΗΣ ΣΤΗ ΒΟΥΛΗ.",
    ],
)
def test_no_sentence_end_before_a_name_or_continuation(paragraph: str) -> None:
    assert split_sentences(normalize(paragraph)) == [normalize(paragraph)]


def test_issue_examples_split() -> None:
    assert split_sentences("Έργο μήκους 15 χλμ. Πλέον απομένουν λίγα.") == [
        "Έργο μήκους 15 χλμ.", "Πλέον απομένουν λίγα."]
    assert split_sentences("Είναι 25,6 χλμ. Η μεγαλύτερη ανηφόρα.") == [
        "Είναι 25,6 χλμ.", "Η μεγαλύτερη ανηφόρα."]
    assert split_sentences("Μίλησε ο γγ του Κ.Κ.Ε. Στην ομιλία του είπε.") == [
        "Μίλησε ο γγ του Κ.Κ.Ε.", "Στην ομιλία του είπε."]


@pytest.mark.parametrize("depth", [257, 1000, 5000])
def test_deeply_nested_html_keeps_its_text(depth: int) -> None:
    page = f"<html><body>{'<div>' * depth}<p>Ο πρόεδρος μίλησε σήμερα.</p><p>Τέλος.</p>{'</div>' * depth}"
    assert split_paragraphs(normalize(page)) == ["Ο πρόεδρος μίλησε σήμερα.", "Τέλος."]
