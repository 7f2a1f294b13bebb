"""Briefings: several Greek articles on one story → points citing every article that reports them."""

from __future__ import annotations

import json

import pytest

from service import Briefing, DigestService, InputError, Settings, split_articles
from service.briefing_points import MAX_SENTENCES_TOTAL, considered
from tests.scripted_models import ScriptedModel, install

# Two reports of one earthquake: the quake and the power cut are in both (with different figures
# for the power cut), the prime minister's visit only in the first, the fire brigade only in the second.
QUAKE_1 = (
    "Σεισμός στην Κρήτη\n\n"
    "Ισχυρός σεισμός μεγέθους 5,8 Ρίχτερ έπληξε χθες το πρωί την ανατολική Κρήτη. "
    "Οι αρχές ανέφεραν ότι 12.000 κάτοικοι του νησιού έμειναν χωρίς ρεύμα για ώρες. "
    "Ο πρωθυπουργός επισκέφθηκε το Ηράκλειο το απόγευμα και συναντήθηκε με τον δήμαρχο. "
    "Τα σχολεία της περιοχής θα μείνουν κλειστά για δύο ημέρες."
)
QUAKE_2 = (
    "Χωρίς θύματα ο σεισμός\n\n"
    "Σεισμός 5,8 Ρίχτερ έπληξε την ανατολική Κρήτη χθες το πρωί, χωρίς θύματα. "
    "Περίπου 10.000 κάτοικοι του νησιού έμειναν χωρίς ρεύμα, σύμφωνα με τον διαχειριστή του δικτύου. "
    "Η πυροσβεστική υπηρεσία έλαβε δεκάδες κλήσεις για ζημιές σε παλιά σπίτια. "
    "Οι σεισμολόγοι εκτιμούν ότι ο κίνδυνος μετασεισμών παραμένει υψηλός."
)


@pytest.fixture
def greek_only(isolated_env) -> DigestService:
    return DigestService(Settings.from_env(translator="none"))


def _point_with(briefing: Briefing, words: str):
    (point,) = [p for p in briefing.points if any(
        words in briefing.articles[s["article"]].sentences[s["sentence"]] for s in p.sources
    )]
    return point


def test_a_fact_in_two_articles_is_one_point_citing_both(greek_only: DigestService) -> None:
    briefing = greek_only.briefing([QUAKE_1, QUAKE_2], bullets=6)
    quake = _point_with(briefing, "Ρίχτερ")
    assert quake.reported_by == [0, 1] and quake.note is None
    cited = {(s["article"], briefing.articles[s["article"]].sentences[s["sentence"]]) for s in quake.sources}
    assert {article for article, _ in cited} == {0, 1}
    assert all("Ρίχτερ" in sentence for _, sentence in cited)
    assert quake.el in {sentence for _, sentence in cited}
    assert briefing.points[0] is quake  # reported by both and central: first


def test_a_fact_in_one_article_is_marked_as_such(greek_only: DigestService) -> None:
    briefing = greek_only.briefing([QUAKE_1, QUAKE_2], bullets=6)
    visit = _point_with(briefing, "πρωθυπουργός")
    assert visit.reported_by == [0] and visit.note == "only in article 1"
    fire = _point_with(briefing, "πυροσβεστική")
    assert fire.reported_by == [1] and fire.note == "only in article 2"
    assert "_Only in article 2_" in briefing.to_markdown()
    assert not any(p.el.startswith(("Σεισμός στην Κρήτη", "Χωρίς θύματα ο σεισμός")) for p in briefing.points)


def test_disagreeing_numbers_are_flagged(greek_only: DigestService) -> None:
    briefing = greek_only.briefing([QUAKE_1, QUAKE_2], bullets=6)
    power = _point_with(briefing, "χωρίς ρεύμα")
    assert power.reported_by == [0, 1]
    (disagreement,) = power.disagreements
    assert disagreement["message"] == "Sources disagree: 12.000 (article 1) / 10.000 (article 2)."
    assert disagreement["values"] == [{"article": 0, "text": "12.000"}, {"article": 1, "text": "10.000"}]
    quake = _point_with(briefing, "Ρίχτερ")
    assert quake.disagreements == []  # 5,8 in both


def test_same_figures_or_different_facts_do_not_disagree(greek_only: DigestService) -> None:
    same = QUAKE_2.replace("10.000", "12.000")
    briefing = greek_only.briefing([QUAKE_1, same], bullets=6)
    assert all(p.disagreements == [] for p in briefing.points)


def test_the_two_samples_cite_both_where_they_overlap(greek_only: DigestService, sample_texts) -> None:
    texts = [sample_texts["el-news-putin-kim-call"], sample_texts["el-news-shoigu-pyongyang"]]
    briefing = greek_only.briefing(texts, bullets=5)
    assert len(briefing.points) == 5
    shared = [p for p in briefing.points if p.reported_by == [0, 1]]
    assert shared, "the «άνευ όρων» support is in both articles"
    support = [briefing.articles[s["article"]].sentences[s["sentence"]] for s in shared[0].sources]
    assert all("άνευ όρων" in sentence and "Κιμ Γιονγκ Ουν" in sentence for sentence in support)
    for point in briefing.points:
        if point not in shared:
            assert point.note == f"only in article {point.reported_by[0] + 1}"
    assert [a.label[:20] for a in briefing.articles] == ["Ο Ρώσος πρόεδρος Βλα", "Ρωσική αντιπροσωπεία"]
    # No two points say the same thing: each sentence is cited by one point at most.
    cited = [(s["article"], s["sentence"]) for p in briefing.points for s in p.sources]
    assert len(cited) == len(set(cited))


def test_json_and_markdown(greek_only: DigestService) -> None:
    briefing = greek_only.briefing([QUAKE_1, QUAKE_2], bullets=3)
    data = json.loads(briefing.to_json())
    assert set(data["points"][0]) == {"el", "en", "sources", "reported_by", "note", "disagreements", "checks"}
    assert data["articles"][0]["label"] == "Σεισμός στην Κρήτη"
    assert set(data["timings"]) >= {"parse", "points", "translate", "total"}
    assert Briefing.from_dict(data) == briefing
    md = briefing.to_markdown()
    assert "1. Σεισμός στην Κρήτη" in md and "_Reported by articles 1, 2_" in md
    assert "> [1.2] Ισχυρός σεισμός" in md and "English is left empty" in md


def test_labels_from_html_title(greek_only: DigestService) -> None:
    page = f"<html><head><title>Σεισμός 5,8 Ρίχτερ</title></head><body><p>{QUAKE_2}</p></body></html>"
    briefing = greek_only.briefing([QUAKE_1, page], bullets=2)
    assert briefing.articles[1].label == "Σεισμός 5,8 Ρίχτερ"


def test_split_articles_on_dash_lines() -> None:
    assert split_articles(f"{QUAKE_1}\n---\n{QUAKE_2}\n\n-----\n  \n") == [QUAKE_1, QUAKE_2]
    assert split_articles("Μία γραμμή -- όχι διαχωριστικό") == ["Μία γραμμή -- όχι διαχωριστικό"]


@pytest.mark.parametrize(
    ("texts", "needle"),
    [
        ([], "No articles"),
        ([QUAKE_1] * 11, "at most 10"),
        ([QUAKE_1, "This is English, not Greek at all, sorry about that."], "Article 2: The text does not"),
        ([QUAKE_1, ""], "Article 2: The article is empty"),
    ],
)
def test_clear_errors(greek_only: DigestService, texts: list[str], needle: str) -> None:
    with pytest.raises(InputError, match=needle):
        greek_only.briefing(texts)


def test_limits_per_article_and_in_total(isolated_env) -> None:
    service = DigestService(Settings.from_env(translator="none", max_chars=400, max_briefing_chars=500))
    with pytest.raises(InputError, match="Article 1: The article is too long"):
        service.briefing([QUAKE_1 + " " + QUAKE_1, QUAKE_2])
    with pytest.raises(InputError, match=r"too long together .* at most 500 \(DIGEST_MAX_BRIEFING_CHARS\)"):
        service.briefing([QUAKE_1, QUAKE_2])


def test_setting_from_environment(isolated_env, monkeypatch) -> None:
    monkeypatch.setenv("DIGEST_MAX_BRIEFING_CHARS", "1234")
    assert Settings.from_env().max_briefing_chars == 1234
    monkeypatch.setenv("DIGEST_MAX_BRIEFING_CHARS", "0")
    with pytest.raises(ValueError, match="max_briefing_chars must be at least 1"):
        Settings.from_env()


def test_sentences_considered_are_bounded(greek_only: DigestService) -> None:
    many_words = "Μια πρόταση με αρκετές λέξεις εδώ."
    assert sum(map(len, considered([[many_words] * 1000] * 10))) <= MAX_SENTENCES_TOTAL
    assert [len(c) for c in considered([[many_words] * 5, [many_words] * 300])] == [5, 120]
    many = " ".join(f"Η επιτροπή εξέτασε το θέμα αριθμός {n} χθες." for n in range(200))
    briefing = greek_only.briefing([many, QUAKE_1], bullets=3)
    assert briefing.articles[0].considered == 120 and len(briefing.articles[0].sentences) == 200
    assert any("Article 1: only 120 of its 200 sentences were considered" in w for w in briefing.warnings)


class CountingModel(ScriptedModel):
    """The scripted model, counting its generate() calls."""

    def __init__(self, name: str, respond) -> None:
        super().__init__(name, respond)
        self.calls = 0

    def generate(self, texts, **options):  # type: ignore[override]
        self.calls += 1
        return super().generate(texts, **options)


def _english(greek: str) -> str:
    """Right English for the quake, a changed figure for the power cut, nothing useful otherwise."""
    if "Ρίχτερ" in greek:
        return "A 5.8 Richter earthquake hit eastern Crete yesterday morning, without victims."
    if "ρεύμα" in greek:
        return "The authorities said 1,200 residents of the island were left without power for hours."
    return "Something else entirely."


def test_one_translation_call_and_checks_on_every_point(isolated_env, monkeypatch) -> None:
    translator = CountingModel("scripted-en", _english)
    install(monkeypatch, translator)
    service = DigestService(Settings.from_env(translator="scripted-en"))
    briefing = service.briefing([QUAKE_1, QUAKE_2], bullets=4)
    # One call for all the points, each point's Greek with the glossary's English written in.
    assert translator.calls == 1 and len(translator.inputs) == len(briefing.points) == 4
    (quake_in,) = [text for text in translator.inputs if "Ρίχτερ" in text]
    assert "Crete" in quake_in and "Κρήτη" not in quake_in
    assert briefing.models["translator"] == "scripted-en"
    quake, power = _point_with(briefing, "Ρίχτερ"), _point_with(briefing, "χωρίς ρεύμα")
    assert quake.en.startswith("A 5.8 Richter") and quake.checks == []
    assert [f["kind"] for f in power.checks] == ["number"] and "12.000" in power.checks[0]["greek"]
    assert briefing.checks["lines_checked"] == len(briefing.points)
    assert briefing.checks["lines_flagged"] == sum(bool(p.checks) for p in briefing.points) >= 1
    markdown = briefing.to_markdown()
    assert "⚠ _The number «12.000»" in markdown
    assert f"⚠ {briefing.checks['lines_flagged']} lines to check" in markdown
    assert set(briefing.timings) == {"parse", "points", "translate", "checks", "total"}


def test_a_repeated_briefing_is_translated_from_the_cache(isolated_env, monkeypatch) -> None:
    translator = ScriptedModel("scripted-en", _english)
    install(monkeypatch, translator)
    service = DigestService(Settings.from_env(translator="scripted-en"))
    first = service.briefing([QUAKE_1, QUAKE_2], bullets=3)
    sent = len(translator.inputs)
    again = service.briefing([QUAKE_1, QUAKE_2], bullets=3)  # the same request again (page, API, batch)
    assert sent == 3 and len(translator.inputs) == sent  # nothing new reached the model
    assert [p.en for p in again.points] == [p.en for p in first.points]


def test_checks_off(isolated_env, monkeypatch) -> None:
    install(monkeypatch, ScriptedModel("scripted-en", _english))
    monkeypatch.setenv("DIGEST_CHECKS", "off")
    service = DigestService(Settings.from_env(translator="scripted-en"))
    briefing = service.briefing([QUAKE_1, QUAKE_2], bullets=3)
    assert briefing.checks is None and all(p.checks is None and p.en for p in briefing.points)


def test_page_view_escapes_article_text_and_shows_who_reports(greek_only: DigestService) -> None:
    from ui.render_briefing import briefing_html

    payload = '<img src=x onerror="alert(1)">'
    briefing = greek_only.briefing([QUAKE_1.replace("Ρίχτερ", f"Ρίχτερ {payload}"), QUAKE_2], bullets=4)
    html = briefing_html(briefing)
    assert "<img" not in html and "&lt;img src=x onerror=&quot;alert(1)&quot;&gt;" in html
    assert html.count('class="gd-bullet gd-point"') == 4 and "Reported by articles 1, 2" in html
    assert "Only in article 1" in html
    assert "Sources disagree: 12.000 (article 1) / 10.000 (article 2)." in html
