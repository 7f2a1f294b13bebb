"""The checks where they show: through DigestService.digest/translate with scripted models (the
glossary written into the source, then verified), in Markdown, in the CLI's JSON, in batch records,
and DIGEST_CHECKS / DIGEST_GLOSSARY as settings."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from service import batch, cli
from service.config import Settings
from service.digest_service import DigestService
from tests.scripted_models import ARTICLE, ENGLISH, TEXT, ScriptedModel, install

SUMMARY = (  # the summariser invents 5.000; 2,5 δισ. is in the article
    "Ο Ζελένσκι συναντήθηκε με 5.000 πολίτες στην Αθήνα. Η κυβέρνηση ανακοίνωσε μέτρα ύψους 2,5 δισ. ευρώ."
)
SUMMARY_ENGLISH = {
    "Ο Zelensky συναντήθηκε με 5.000 πολίτες στην Athens.": "Zelensky met 5,000 citizens in Athens.",
    "Η κυβέρνηση ανακοίνωσε μέτρα ύψους 2,5 δισ. ευρώ.": "The government announced measures of €2.5bn.",
}


@pytest.fixture
def translator(monkeypatch: pytest.MonkeyPatch, isolated_env: Path) -> ScriptedModel:
    model = ScriptedModel("scripted-en", {**ENGLISH, **SUMMARY_ENGLISH}.__getitem__)
    summarizer = ScriptedModel("scripted-sum", lambda _: SUMMARY)
    # Extractive digests of a short article take about half its sentences: this "summariser"
    # gives the sentences back, so each case of the article is a bullet.
    every_sentence = ScriptedModel("scripted-all", lambda chunk: chunk)
    install(monkeypatch, model, summarizer, every_sentence)
    return model


ALL = Settings(translator="scripted-en", summarizer="scripted-all")


def kinds(flags: list[dict[str, str]] | None) -> list[str]:
    return [f["kind"] for f in flags or []]


def by_greek(digest_dict: dict) -> dict[str, dict]:
    return {b["el"]: b for b in digest_dict["bullets"]}


def test_digest_flags_each_line_as_it_should(translator: ScriptedModel) -> None:
    digest = DigestService(ALL).digest(TEXT, bullets=4)
    bullets = by_greek(digest.to_dict())
    assert set(bullets) == set(ARTICLE)
    assert kinds(bullets[ARTICLE[0]]["checks"]) == ["consistency"]  # Zelensky here, Zelenskyy below
    assert kinds(bullets[ARTICLE[1]]["checks"]) == ["number"]
    assert bullets[ARTICLE[1]]["checks"][0]["expected"] == "2.5 billion"
    (unmet,) = bullets[ARTICLE[2]]["checks"]
    assert (unmet["kind"], unmet["greek"], unmet["expected"]) == ("glossary", "ΗΠΑ", "US")
    assert kinds(bullets[ARTICLE[3]]["checks"]) == ["consistency"]
    assert "Zelensky" in bullets[ARTICLE[3]]["checks"][0]["message"]
    assert "Zelenskyy" in bullets[ARTICLE[3]]["checks"][0]["message"]
    assert digest.checks == {"lines_checked": 4, "lines_flagged": 4, "flags": 4,
                             "by_kind": {"consistency": 2, "number": 1, "glossary": 1}}
    assert digest.timings["checks"] >= 0
    # Existing fields unchanged for /summarize clients.
    assert {"el", "en", "sources"} <= set(bullets[ARTICLE[0]])


def test_glossary_is_written_into_the_source_the_model_gets(translator: ScriptedModel) -> None:
    DigestService(ALL).digest(TEXT, bullets=4)
    assert "Οι US στηρίζουν την Ukraine με νέα βοήθεια." in translator.inputs
    assert not any("Ζελένσκι" in text or "ΗΠΑ" in text for text in translator.inputs)


def test_user_glossary_overrides_the_shipped_one(translator: ScriptedModel, tmp_path: Path) -> None:
    mine = tmp_path / "mine.tsv"
    mine.write_text("# newsroom style\nΖελένσκι\tZelenskyy\tour spelling\n", encoding="utf-8")
    translator.respond = lambda text: ENGLISH.get(text.replace("Zelenskyy", "Zelensky"), "?")
    service = DigestService(Settings(translator="scripted-en", glossary=str(mine)))
    translation = service.translate(ARTICLE[0])
    assert translator.inputs == ["Ο Zelenskyy συναντήθηκε με 1.200 πολίτες στην Athens την Τρίτη."]
    (flag,) = translation.to_dict()["sentences"][0]["checks"]  # the model wrote Zelensky
    assert (flag["kind"], flag["expected"]) == ("glossary", "Zelenskyy")


def test_translate_checks_each_sentence(translator: ScriptedModel) -> None:
    data = DigestService(Settings(translator="scripted-en")).translate(TEXT).to_dict()
    assert [kinds(s["checks"]) for s in data["sentences"]] == [
        ["consistency"], ["number"], ["glossary"], ["consistency"]
    ]
    assert data["checks"]["lines_flagged"] == 4 and data["checks"]["lines_checked"] == 4
    assert data["text"].startswith("Zelensky met 1,200 citizens")


def test_invented_number_in_an_abstractive_bullet_is_unsupported(translator: ScriptedModel) -> None:
    service = DigestService(Settings(translator="scripted-en", summarizer="scripted-sum"))
    digest = service.digest(TEXT, bullets=2, method="abstractive")
    assert digest.models["summarizer"] == "scripted-sum"
    first, second = digest.bullets
    assert first.el.startswith("Ο Ζελένσκι συναντήθηκε με 5.000")
    assert [(f["kind"], f["greek"]) for f in first.checks or []] == [("unsupported", "5.000")]
    assert "not in the article" in first.checks[0]["message"]  # type: ignore[index]
    assert second.checks == []  # 2,5 δισ. is in the article, and €2.5bn renders it


def test_markdown_shows_the_flags_and_the_summary_line(translator: ScriptedModel) -> None:
    md = DigestService(ALL).digest(TEXT, bullets=4).to_markdown()
    assert "⚠ 4 lines to check" in md
    line = next(x for x in md.splitlines() if x.strip().startswith("The government announced"))
    assert "⚠ _The number «2,5 δισ.» is not in the English (expected 2.5 billion)._" in line


def test_checks_off_leaves_the_results_as_before(translator: ScriptedModel) -> None:
    service = DigestService(Settings(translator="scripted-en", summarizer="scripted-all", checks=False))
    digest = service.digest(TEXT, bullets=4)
    data = digest.to_dict()
    assert "checks" not in data and all(set(b) == {"el", "en", "sources"} for b in data["bullets"])
    assert "⚠" not in digest.to_markdown() and "lines to check" not in digest.to_markdown()
    translation = service.translate(TEXT).to_dict()
    assert "checks" not in translation and "checks" not in translation["sentences"][0]


def test_nothing_to_check_without_english(isolated_env: Path) -> None:
    digest = DigestService(Settings(translator="none")).digest(TEXT)
    assert digest.checks is None and "checks" not in digest.to_dict()
    assert "lines to check" not in digest.to_markdown()


def test_settings_from_the_environment(isolated_env: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    assert Settings.from_env().checks is True and Settings.from_env().glossary is None
    monkeypatch.setenv("DIGEST_CHECKS", "off")
    monkeypatch.setenv("DIGEST_GLOSSARY", "mine.tsv")
    assert Settings.from_env().checks is False and Settings.from_env().glossary == "mine.tsv"
    monkeypatch.setenv("DIGEST_CHECKS", "maybe")
    with pytest.raises(ValueError, match="DIGEST_CHECKS must be on or off"):
        Settings.from_env()


def test_glossary_none_writes_nothing_into_the_source(translator: ScriptedModel) -> None:
    service = DigestService(Settings(translator="scripted-en", glossary="none"))
    translator.respond = lambda _: "Zelensky met 1,200 citizens in Athens on Tuesday."
    assert service.translate(ARTICLE[0]).checks == [[]]
    assert translator.inputs == [ARTICLE[0]]


def test_cli_translate_json_and_a_bad_glossary(
    translator: ScriptedModel, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    article = tmp_path / "article.txt"
    article.write_text(TEXT, encoding="utf-8")
    assert cli.main(["translate", str(article), "--format", "json", "--translator", "scripted-en"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert kinds(data["sentences"][1]["checks"]) == ["number"]

    bad = tmp_path / "bad.tsv"
    bad.write_text("Ζελένσκι only one column\n", encoding="utf-8")
    for command in ("translate", "digest"):
        code = cli.main([command, str(article), "--translator", "scripted-en", "--glossary", str(bad)])
        err = capsys.readouterr().err
        assert code == 2 and err.count("\n") == 1 and "bad.tsv, line 1" in err, err
    code = cli.main(["digest", str(article), "--glossary", str(tmp_path / "missing.tsv")])
    assert code == 2 and "Cannot read the glossary" in capsys.readouterr().err


def test_batch_and_web_app_stop_at_start_up_on_a_bad_glossary(
    isolated_env: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from ui import app

    bad = tmp_path / "bad.tsv"
    bad.write_text("ΗΠΑ\n", encoding="utf-8")
    out = tmp_path / "out.jsonl"
    assert batch.main([str(tmp_path), "-o", str(out), "--translator", "none", "--glossary", str(bad)]) == 2
    assert "bad.tsv, line 1" in capsys.readouterr().err and not out.exists()
    assert app.main(["--translator", "none", "--glossary", str(bad), "--port", "1"]) == 2
    assert "bad.tsv, line 1" in capsys.readouterr().err


@pytest.mark.parametrize("mode", ["digest", "translate"])
def test_batch_records_carry_the_checks(
    translator: ScriptedModel, tmp_path: Path, capsys: pytest.CaptureFixture[str], mode: str
) -> None:
    records = tmp_path / "in.jsonl"
    clean = ARTICLE[0]
    records.write_text(
        "".join(json.dumps({"id": i, "text": t}, ensure_ascii=False) + "\n" for i, t in
                (("a", TEXT), ("b", clean))),
        encoding="utf-8",
    )
    out = tmp_path / "out.jsonl"
    code = batch.main([str(records), "-o", str(out), "--mode", mode, "--translator", "scripted-en",
                       "--quiet", "--bullets", "4", "--summarizer", "scripted-all"])
    assert code == 0
    first, second = (json.loads(line) for line in out.read_text(encoding="utf-8").splitlines())
    # The group is checked together: Zelenskyy in record a makes Zelensky in b a second spelling.
    assert first["result"]["checks"]["lines_flagged"] == 4
    assert second["result"]["checks"]["lines_flagged"] == 1
    lines = first["result"]["bullets" if mode == "digest" else "sentences"]
    assert sorted(k for line in lines for k in kinds(line["checks"])) == [
        "consistency", "consistency", "glossary", "number"
    ]
    err = capsys.readouterr().err
    assert "batch: 2 done, 0 failed" in err and err.rstrip().endswith("; 2 done with lines to check")
