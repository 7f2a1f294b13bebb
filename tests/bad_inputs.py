"""A catalogue of awkward inputs people paste or send, shared by the service, API and batch tests.

Each case says what must happen: "error" (a clear InputError, one line) or "ok" (a usable digest).
"""

from __future__ import annotations

from dataclasses import dataclass

GREEK_SENTENCE = "Ο πρωθυπουργός συναντήθηκε σήμερα με τον πρόεδρο της Γαλλίας στο Παρίσι."
ARTICLE = (
    "Ο πρωθυπουργός συναντήθηκε σήμερα με τον πρόεδρο της Γαλλίας στο Παρίσι. "
    "Συζήτησαν για την ενέργεια και τη μετανάστευση.\n\n"
    "Η συνάντηση διήρκεσε δύο ώρες στο προεδρικό μέγαρο. Οι δύο ηγέτες θα ξανασυναντηθούν τον Μάρτιο."
)


PARAGRAPHS_HTML = "<p>" + ARTICLE.replace("\n\n", "</p><p>") + "</p>"


def nested(tag: str, depth: int, inner: str) -> str:
    """`inner` inside `depth` nested `tag` elements (libxml2 stops at 256 levels by default)."""
    return f"<html><body>{f'<{tag}>' * depth}{inner}{f'</{tag}>' * depth}</body></html>"


@dataclass(frozen=True)
class Case:
    name: str
    text: str
    expect: str  # "ok" or "error"
    needle: str = ""  # for errors: a word the message must contain


CASES: list[Case] = [
    Case("empty", "", "error", "empty"),
    Case("whitespace only", " \n\t\u00a0\u200b \n", "error", "empty"),
    Case("emoji only", "😀🔥🇬🇷 " * 20, "error", "Greek"),
    Case("english", "The prime minister met the French president in Paris today. " * 3, "error", "Greek"),
    Case("only numbers", "1.200 2,5 3 45 678 " * 10, "error", "Greek"),
    Case("only punctuation", ";;; ... !!! ··· «» — " * 10, "error", "Greek"),
    Case("html entities only", "&nbsp;&amp;&lt;&gt;&quot; " * 20, "error", "Greek"),
    Case("right-to-left", "الرئيس الفرنسي التقى رئيس الوزراء اليوم في باريس. " * 3, "error", "Greek"),
    Case("hebrew", "ראש הממשלה נפגש היום עם נשיא צרפת בפריז. " * 3, "error", "Greek"),
    Case("mostly english with greek name", "Kyriakos Μητσοτάκης met Macron in Paris today to talk. " * 3,
         "error", "Greek"),
    Case("control characters only", "\x01\x02\x03\x07\x1b[0m" * 20, "error", "Greek"),
    Case("over limit", ARTICLE * 400, "error", "too long"),
    Case("one megabyte", "α" * 1_000_000, "error", "too long"),
    Case("plain article", ARTICLE, "ok"),
    Case("one sentence", GREEK_SENTENCE, "ok"),
    Case("mixed greek english", ARTICLE + " The meeting was described as productive by officials.", "ok"),
    Case("html page with scripts and nav",
         "<html><head><title>Νέα</title><script>var a = 'Κρυφό κείμενο σεναρίου';</script>"
         "<style>body{}</style></head><body>"
         "<nav><a href='/'>Αρχική</a> | <a href='/x'>Πολιτική</a></nav>"
         "<article><h1>Συνάντηση στο Παρίσι</h1>"
         f"<p>{ARTICLE.replace(chr(10) * 2, '</p><p>')}</p></article>"
         "<footer>© 2026 Εφημερίδα</footer></body></html>", "ok"),
    Case("nul and control characters", ARTICLE.replace(" ", " \x00", 3).replace(".", ".\x07", 2), "ok"),
    Case("300-word sentence without punctuation",
         " ".join(["η κυβέρνηση ανακοίνωσε νέα μέτρα για την οικονομία"] * 43), "ok"),
    Case("one very long word",
         "Ο όρος " + "α" * 5000 + " είναι πολύ μεγάλος για τη γλώσσα μας σήμερα.", "ok"),
    Case("polytonic greek",
         "Ἐν ἀρχῇ ἦν ὁ λόγος, καὶ ὁ λόγος ἦν πρὸς τὸν θεόν. Οὗτος ἦν ἐν ἀρχῇ πρὸς τὸν θεόν.", "ok"),
    Case("all caps greek", ARTICLE.upper(), "ok"),
    Case("repeated identical sentences", (GREEK_SENTENCE + " ") * 30, "ok"),
    Case("windows line endings", ARTICLE.replace("\n", "\r\n"), "ok"),
    Case("greek question marks", "Τι έγινε\u037e Κανείς δεν ξέρει ακόμη τι συνέβη στη σύνοδο\u037e Θα δούμε.",
         "ok"),
    Case("curly quotes and dashes", "Ο υπουργός είπε “όχι” — και έφυγε – γρήγορα. «Τέλος», είπε ο ίδιος.",
         "ok"),
    Case("no spaces after periods", "Ο υπουργός μίλησε.Η βουλή ψήφισε.Το νομοσχέδιο πέρασε με άνεση.", "ok"),
    Case("bullet list pasted", "- Πρώτο σημείο της είδησης σήμερα\n- Δεύτερο σημείο της είδησης\n"
         "- Τρίτο σημείο με περισσότερες λεπτομέρειες", "ok"),
    Case("url and email inside", ARTICLE + " Περισσότερα στο https://example.gr/a?b=1 ή στο info@example.gr.",
         "ok"),
    Case("tabs and many blank lines", ARTICLE.replace(" ", "\t", 5).replace("\n\n", "\n\n\n\n\n\n"), "ok"),
    # Deep HTML: more nesting than libxml2's default limit must not lose the article.
    Case("deep html 300 divs", nested("div", 300, PARAGRAPHS_HTML), "ok"),
    Case("deep html 3000 divs", nested("div", 3000, PARAGRAPHS_HTML), "ok"),
    Case("deep html 400 spans with nav",
         nested("span", 400, "<nav><a href='/'>Αρχική</a></nav>" + PARAGRAPHS_HTML), "ok"),
    Case("deep html 300 blockquotes", nested("blockquote", 300, PARAGRAPHS_HTML), "ok"),
    # Sentence ends after an abbreviation, a unit or an acronym, and names after titles.
    Case("unit then sentence adverb",
         "Η νέα σήραγγα έχει μήκους 15 χλμ. Πλέον απομένουν μόνο οι εργασίες ασφαλείας στο έργο.", "ok"),
    Case("decimal unit then article",
         "Η διαδρομή του αγώνα είναι 25,6 χλμ. Η μεγαλύτερη ανηφόρα βρίσκεται στο τέλος της.", "ok"),
    Case("acronym then preposition with article",
         "Μίλησε ο γενικός γραμματέας του Κ.Κ.Ε. Στην ομιλία του αναφέρθηκε στην ακρίβεια.", "ok"),
    Case("title before a name",
         "Ο κ. Μητσοτάκης συναντήθηκε με τον κ. Μακρόν στο Παρίσι. Πόλεις, π.χ. Αθήνα, συμμετέχουν.", "ok"),
    Case("all caps unit then adverb",
         "Η ΝΕΑ ΣΗΡΑΓΓΑ ΕΧΕΙ ΜΗΚΟΥΣ 15 ΧΛΜ. ΠΛΕΟΝ ΑΠΟΜΕΝΟΥΝ ΜΟΝΟ ΟΙ ΕΡΓΑΣΙΕΣ ΑΣΦΑΛΕΙΑΣ.", "ok"),
    # Tiny sentences: every one under the 4 words key points prefer, and floods of them.
    Case("all sentences under four words", "Η βουλή ψήφισε. Ο λαός αντέδρασε. Τέλος εποχής. " * 10, "ok"),
    Case("only a very long word", "Ο " + "α" * 3000 + ".", "ok"),
    Case("one-word sentence flood", "Ναι. Όχι. Ίσως. " * 170, "ok"),
    Case("exclamation flood after an article", ARTICLE + " Ωχ!" * 450, "ok"),
    # Huge input: refused by size before any work.
    Case("nul flood", "\x00" * 300_000, "error", "too long"),
    Case("markup flood", "<div>" * 100_000 + ARTICLE, "error", "too long"),
    # Quotes and commas that look like broken CSV or never close.
    Case("unclosed guillemet", ARTICLE.replace("Συζήτησαν", "«Συζήτησαν"), "ok"),
    Case("article that looks like csv rows",
         '1,"' + GREEK_SENTENCE + '\n2,"Η συνάντηση διήρκεσε δύο ώρες στο μέγαρο."\n3,Τέλος.', "ok"),
    Case("zero-width characters between letters", "\u200b".join(GREEK_SENTENCE), "ok"),
]
