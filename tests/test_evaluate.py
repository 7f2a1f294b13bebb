"""scripts/evaluate.py translate and summarize on the tiny models (offline), and Greek ROUGE."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from service.errors import InputError
from service.evaluation.pairs import read_pairs
from service.evaluation.rouge import GreekTokenizer, rouge
from tests.conftest import load_script

ROOT = Path(__file__).resolve().parent.parent
SUMMARIES = ROOT / "tests" / "data" / "summaries.jsonl"
# Tatoeba's layout: language codes, then the Greek and its English.
TATOEBA = [
    ("Η κυβέρνηση ανακοίνωσε νέα μέτρα.", "The government announced new measures."),
    ("Ο σεισμός είχε μέγεθος 5,8 Ρίχτερ.", "The earthquake measured 5.8 on the Richter scale."),
    ("Η Αθήνα είναι η πρωτεύουσα της Ελλάδας.", "Athens is the capital of Greece."),
    ("Οι τιμές αυξήθηκαν κατά 3% τον Μάιο.", "Prices rose by 3% in May."),
    ("Ο Μητσοτάκης συναντήθηκε με τον Μακρόν στο Παρίσι.", "Mitsotakis met Macron in Paris."),
]

evaluate = load_script("evaluate")


@pytest.fixture
def pairs_file(tmp_path: Path) -> Path:
    path = tmp_path / "ell.tsv"
    path.write_text("".join(f"ell\teng\t{el}\t{en}\n" for el, en in TATOEBA), encoding="utf-8")
    return path


@pytest.fixture
def translator(tiny_models: dict[str, Path], tmp_path: Path) -> Path:
    """A private copy of the tiny Marian, so a CTranslate2 conversion next to it stays in this test."""
    return Path(shutil.copytree(tiny_models["translator"], tmp_path / "translator"))


# -- Greek ROUGE ----------------------------------------------------------------------------------


def test_rouge_identical_greek_scores_100_and_disjoint_0() -> None:
    text = "Η κυβέρνηση ανακοίνωσε νέο πακέτο στήριξης για τα νοικοκυριά."
    assert rouge(text, text) == rouge(text, text, stem=True)
    assert (rouge(text, text).rouge1, rouge(text, text).rouge2, rouge(text, text).rougeL) == (100, 100, 100)
    disjoint = rouge(text, "Σεισμός σημειώθηκε στην Κρήτη χθες.")
    assert (disjoint.rouge1, disjoint.rouge2, disjoint.rougeL) == (0, 0, 0)


def test_rouge_score_default_tokenizer_drops_greek_ours_does_not() -> None:
    from rouge_score.rouge_scorer import RougeScorer

    text = "Η κυβέρνηση ανακοίνωσε μέτρα."
    assert RougeScorer(["rouge1"]).score(text, text)["rouge1"].fmeasure == 0  # why GreekTokenizer exists
    words = GreekTokenizer().tokenize("Η ΚΥΒΈΡΝΗΣΗ ανακοίνωσε 2 μέτρα.")
    assert words == ["η", "κυβερνηση", "ανακοινωσε", "2", "μετρα"]


def test_rouge_partial_overlap_by_hand() -> None:
    # candidate: η κυβερνηση ανακοινωσε μετρα (4 words); reference: 6 words holding those 4 in order.
    # ROUGE-1: P 4/4, R 4/6 → F 0.8. ROUGE-2: 2 of 3 candidate bigrams in the reference's 5 →
    # P 2/3, R 2/5 → F 0.5. ROUGE-L: LCS 4 → as ROUGE-1. Case and accents fold (ΚΥΒΕΡΝΗΣΗ = κυβέρνηση).
    scores = rouge("Η κυβέρνηση ανακοίνωσε μέτρα.", "Η ΚΥΒΕΡΝΗΣΗ ανακοίνωσε νέα μέτρα σήμερα.")
    assert (scores.rouge1, scores.rouge2, scores.rougeL) == (80, 50, 80)


def test_rouge_stemming_matches_inflected_forms() -> None:
    assert rouge("της κυβέρνησης", "η κυβέρνηση").rouge1 == 0
    assert rouge("της κυβέρνησης", "η κυβέρνηση", stem=True).rouge1 == 50  # κυβερνησ = κυβερνησ


# -- pairs ----------------------------------------------------------------------------------------


def test_read_pairs_jsonl_fields(tmp_path: Path) -> None:
    path = tmp_path / "pairs.jsonl"
    record = {"src": "Καλημέρα.", "tgt": "Good morning.", "id": 1}
    path.write_text(json.dumps(record) + "\n\n", encoding="utf-8")
    assert read_pairs(path, "src", "tgt") == [("Καλημέρα.", "Good morning.")]
    with pytest.raises(InputError, match=r"line 1: expected text in fields 'el' and 'en'"):
        read_pairs(path)
    path.write_text("{not json\n", encoding="utf-8")
    with pytest.raises(InputError, match="line 1: not JSON"):
        read_pairs(path, "src", "tgt")


# -- translate ------------------------------------------------------------------------------------


def test_score_translations_perfect_and_broken_english() -> None:
    from service.evaluation.translation import score_translations

    english = [en for _, en in TATOEBA]
    scores, worst = score_translations(TATOEBA, english)
    assert (scores["bleu"], scores["chrf"], scores["flagged"]) == (100, 100, 0)
    assert "tok:13a" in scores["bleu_signature"] and "nc:6" in scores["chrf_signature"]

    english[3] = "Prices rose in May."  # the 3% is lost: the checker flags it, chrF ranks it worst
    scores, worst = score_translations(TATOEBA, english, worst=2)
    assert scores["flagged"] == 1 and scores["flag_rate"] == 0.2 and scores["bleu"] < 100
    assert worst[0].english == "Prices rose in May." and len(worst) == 2


def test_translate_prints_table_and_writes_report(
    isolated_env: Path, pairs_file: Path, translator: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = isolated_env / "report.md"
    argv = ["translate", str(pairs_file), "--translator", str(translator), "--backend", "torch",
            "--limit", "4", "--out", str(out)]
    assert evaluate.main(argv) == 0
    printed = capsys.readouterr().out
    assert "4 pairs" in printed
    assert "| model | backend | BLEU | chrF | flagged | words/s |" in printed
    assert f"| {translator} | torch |" in printed
    assert "BLEU signature: nrefs:1|case:mixed|eff:no|tok:13a" in printed
    assert "chrF signature: nrefs:1" in printed
    assert "Worst 4 by chrF (torch):" in printed
    assert TATOEBA[4][0] not in printed  # --limit 4
    assert out.read_text(encoding="utf-8").strip() == printed.strip()


def test_translate_compare_torch_ct2(
    isolated_env: Path, pairs_file: Path, translator: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from models.convert import convert_to_ct2

    convert_to_ct2(str(translator))  # int8, next to the model, where the service looks for it
    argv = ["translate", str(pairs_file), "--translator", str(translator), "--compare", "torch,ct2", "--json"]
    assert evaluate.main(argv) == 0
    report = json.loads(capsys.readouterr().out)
    assert [run["backend"] for run in report["runs"]] == ["torch", "ct2"]
    for run in report["runs"]:
        assert run["pairs"] == len(TATOEBA) and 0 <= run["chrf"] <= 100 and 0 <= run["flag_rate"] <= 1
        assert len(run["worst"]) == len(TATOEBA) and run["words_per_second"] > 0
    torch_run, ct2_run = report["runs"]
    assert report["difference"]["chrf"] == pytest.approx(ct2_run["chrf"] - torch_run["chrf"], abs=0.011)
    assert 0 <= report["difference"]["identical_outputs"] <= 1


def test_translate_without_conversion_or_with_bad_compare_exits_with_one_line(
    isolated_env: Path, pairs_file: Path, translator: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    argv = ["translate", str(pairs_file), "--translator", str(translator), "--backend", "ct2"]
    assert evaluate.main(argv) == 3
    assert "Convert it: python scripts/download_models.py" in capsys.readouterr().err
    assert evaluate.main(["translate", str(pairs_file), "--compare", "torch"]) == 2
    assert capsys.readouterr().err.startswith("error: --compare takes two backends")
    assert evaluate.main(["translate", str(isolated_env / "missing.tsv")]) == 2


# -- summarize ------------------------------------------------------------------------------------


def test_summarize_lead_extractive_abstractive(
    isolated_env: Path, tiny_models: dict[str, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    assert evaluate.main(["summarize", str(SUMMARIES), "--translator", "none"]) == 0
    printed = capsys.readouterr().out
    assert "3 articles scored of 4" in printed
    assert "| method | summariser | ROUGE-1 | ROUGE-2 | ROUGE-L | seconds |" in printed
    assert "| lead-3 | first sentences |" in printed and "| extractive | extractive |" in printed
    assert "no abstractive row" in printed
    assert "skipped record 4: The text does not look like Greek" in printed

    argv = ["summarize", str(SUMMARIES), "--summarizer", str(tiny_models["summarizer-mbart"]),
            "--bullets", "2", "--stem", "--json"]
    assert evaluate.main(argv) == 0
    report = json.loads(capsys.readouterr().out)
    assert [row["method"] for row in report["rows"]] == ["lead-2", "extractive", "abstractive"]
    lead = report["rows"][0]
    assert lead["articles"] == 3 and 0 < lead["rouge2"] <= lead["rouge1"] <= 100  # real overlap, Greek kept
