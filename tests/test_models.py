"""The model layer through tiny real models on disk: loading offline, generate(), splitting."""

from __future__ import annotations

from pathlib import Path

import pytest

from models import ModelNotAvailableError, load_seq2seq, locate_model, split_to_fit
from models.store import store_name
from service.model_slots import fix_line

GREEK = [
    "Ο Ρώσος πρόεδρος μίλησε με τον Βορειοκορεάτη ηγέτη.",
    "Η συνάντηση έγινε στη Μόσχα.",
    "Οι δύο χώρες υπέγραψαν συμφωνία για την άμυνα και την οικονομία το 2024.",
]


@pytest.fixture(scope="module")
def translator(tiny_models: dict[str, Path]):
    return load_seq2seq(str(tiny_models["translator"]), backend="torch")


def test_loads_marian_from_directory_offline(translator) -> None:
    info = translator.info
    assert info.backend == "torch" and info.device == "cpu"
    assert info.details["architecture"] == "MarianMTModel"
    assert info.max_input_tokens == 256  # the tiny model's max_position_embeddings


def test_generate_returns_text_in_input_order(translator) -> None:
    batched = translator.generate(GREEK, num_beams=1, max_new_tokens=12)
    singles = [translator.generate([g], num_beams=1, max_new_tokens=12)[0] for g in GREEK]
    assert batched == singles
    assert all(isinstance(t, str) and t for t in batched)
    assert translator.generate([]) == []


def test_summarizer_families_generate_text(tiny_models: dict[str, Path]) -> None:
    for key in ("summarizer", "summarizer-mbart"):
        model = load_seq2seq(str(tiny_models[key]), backend="torch")
        pad = model.tokenizer.pad_token_id
        out = model.generate(
            GREEK[:2], num_beams=1, max_new_tokens=8, min_new_tokens=4, bad_words_ids=[[pad]]
        )
        assert len(out) == 2 and all(out), key


def test_over_long_input_is_split_not_truncated(translator, monkeypatch) -> None:
    seen: list[str] = []
    original = translator._generate_batch

    def spy(texts, *args, **kwargs):
        seen.extend(texts)
        return original(texts, *args, **kwargs)

    monkeypatch.setattr(translator, "_generate_batch", spy)
    long_text = " ".join(GREEK * 40)  # far over the tiny model's 256 tokens
    assert translator.count_tokens([long_text])[0] > translator.max_input_tokens
    (output,) = translator.generate([long_text], num_beams=1, max_new_tokens=4)
    assert len(seen) > 1
    assert all(n <= translator.max_input_tokens for n in translator.count_tokens(seen))
    assert " ".join(seen).split() == long_text.split()  # every word kept, in order
    assert output


def test_split_to_fit_prefers_sentence_then_clause_boundaries() -> None:
    def count(text: str) -> int:
        return len(text.split())

    text = "Α β γ. Δ ε ζ. Η θ ι, κ λ μ· ν ξ ο."
    assert split_to_fit(text, 3, count) == ["Α β γ.", "Δ ε ζ.", "Η θ ι,", "κ λ μ·", "ν ξ ο."]
    assert split_to_fit(text, 100, count) == [text]
    pieces = split_to_fit("λέξη " * 9, 2, count)
    assert all(count(p) <= 2 for p in pieces) and sum(map(count, pieces)) == 9
    assert "".join(split_to_fit("x" * 40, 1, lambda t: len(t) // 10)) == "x" * 40


def test_model_store_directory_is_found(tiny_models, isolated_env, monkeypatch) -> None:
    store = isolated_env / "store"
    (store / store_name("acme/tiny-el-en")).parent.mkdir(parents=True)
    (store / store_name("acme/tiny-el-en")).symlink_to(tiny_models["translator"])
    assert locate_model("acme/tiny-el-en", store=store) == store / "acme--tiny-el-en"


def test_missing_model_offline_is_one_clear_error(isolated_env) -> None:
    with pytest.raises(ModelNotAvailableError) as info:
        load_seq2seq("Helsinki-NLP/opus-mt-grk-en", store=isolated_env / "store")
    message = str(info.value)
    assert "Helsinki-NLP/opus-mt-grk-en" in message and "offline" in message and "\n" not in message
    # What to do is the service's one fix line, which knows the model's role.
    fix = fix_line("translator", "Helsinki-NLP/opus-mt-grk-en", info.value)
    assert "download_models.py --translator Helsinki-NLP/opus-mt-grk-en" in fix


def test_directory_without_model_is_rejected(tmp_path) -> None:
    with pytest.raises(ModelNotAvailableError, match="holds no model"):
        load_seq2seq(str(tmp_path))
    with pytest.raises(ModelNotAvailableError, match="no such directory"):
        load_seq2seq(str(tmp_path / "nope"))
    with pytest.raises(ValueError, match="unknown backend"):
        load_seq2seq(str(tmp_path), backend="onnx")


def test_registry_knows_conversions_of_any_quantization() -> None:
    from models.registry import input_prefix

    name = "model-store/IMISLab--GreekT5-mt5-small-greeksum"
    for suffix in ("", "-ct2", "-ct2-int8", "-ct2-float16", "-ct2-int8_float16"):
        assert input_prefix(name + suffix) == "summarize: ", suffix
    assert input_prefix("model-store/IMISLab--GreekT5-mt5-small-greeksum-v2") == ""


def test_inputs_that_fit_are_tokenised_once_for_length(translator, monkeypatch) -> None:
    calls: list[int] = []
    original = translator.count_tokens

    def counting(texts):
        calls.append(len(texts))
        return original(texts)

    monkeypatch.setattr(translator, "count_tokens", counting)
    translator.generate(GREEK, num_beams=1, max_new_tokens=2)
    assert calls == [len(GREEK)]
