"""The CTranslate2 fast path through the tiny Marian model: conversion, equality with PyTorch,
backend selection, splitting, and merging concurrent requests.

Conversions are made beside a symlink to the shared tiny translator inside this module's own
temporary directory, never beside the shared fixture, where `backend="auto"` in other tests would
pick them up.
"""

from __future__ import annotations

import importlib.util
import json
import shutil
import threading
from pathlib import Path
from typing import Any

import pytest
import torch

from models import ModelNotAvailableError, load_seq2seq
from models.convert import convert_to_ct2
from models.ct2_backend import CT2Seq2Seq, GenerationDefaults, ct2_options
from models.loader import NotConvertedError
from models.store import converted_dir, find_ct2_model
from models.torch_backend import TransformersSeq2Seq
from service.model_slots import fix_line

ROOT = Path(__file__).resolve().parent.parent
GREEK = [
    "Ο Ρώσος πρόεδρος μίλησε με τον Βορειοκορεάτη ηγέτη.",
    "Η συνάντηση έγινε στη Μόσχα.",
    "Οι δύο χώρες υπέγραψαν συμφωνία για την άμυνα και την οικονομία το 2024.",
    "Ναι.",
    "Το Χρηματιστήριο Αθηνών έκλεισε με άνοδο 1,3% στις 1.450 μονάδες.",
]


def _ct2_ids(model: CT2Seq2Seq, texts: list[str], **options: Any) -> list[list[int]]:
    """Token ids CTranslate2 produces for each text, without the end token (no micro-batcher)."""
    max_new_tokens = options.pop("max_new_tokens", None)
    num_beams = options.pop("num_beams", None)
    ct2 = model.options_for(max_new_tokens, num_beams, options)
    hypotheses = model._hypotheses(model._source_tokens(list(texts)), ct2, None)
    return [model.tokenizer.convert_tokens_to_ids(h) for h in hypotheses]


@pytest.fixture(scope="module")
def workdir(tmp_path_factory: pytest.TempPathFactory, tiny_models: dict[str, Path]) -> Path:
    root = tmp_path_factory.mktemp("ct2")
    (root / "translator").symlink_to(tiny_models["translator"])
    return root


@pytest.fixture(scope="module")
def int8_dir(workdir: Path) -> Path:
    return convert_to_ct2(str(workdir / "translator"))


@pytest.fixture(scope="module")
def float32_dir(workdir: Path) -> Path:
    # Equality with PyTorch is checked without quantisation: int8 may flip near-tied argmaxes.
    return convert_to_ct2(str(workdir / "translator"), workdir / "f32", quantization="float32")


@pytest.fixture(scope="module")
def torch_model(tiny_models: dict[str, Path]) -> TransformersSeq2Seq:
    model = load_seq2seq(str(tiny_models["translator"]), backend="torch")
    assert isinstance(model, TransformersSeq2Seq)
    return model


def _torch_ids(model: TransformersSeq2Seq, texts: list[str], **options) -> list[list[int]]:
    """Generated ids without the decoder start token and the end/pad tokens."""
    encoded = model.tokenizer(texts, return_tensors="pt", padding=True)
    with torch.inference_mode():
        output = model.model.generate(**encoded, **options)
    specials = {model.tokenizer.pad_token_id, model.tokenizer.eos_token_id}
    return [[i for i in row[1:] if i not in specials] for row in output.tolist()]


def test_conversion_writes_a_self_contained_directory(workdir: Path, int8_dir: Path) -> None:
    assert int8_dir == workdir / "translator-ct2-int8" == converted_dir(str(workdir / "translator"))
    names = {p.name for p in int8_dir.iterdir()}
    assert {"model.bin", "config.json", "shared_vocabulary.json"} <= names  # CTranslate2's
    assert {"source.spm", "target.spm", "vocab.json", "tokenizer_config.json"} <= names  # tokenizer
    assert "generation_config.json" in names
    assert not [n for n in workdir.iterdir() if ".partial-" in n.name]
    metadata = json.loads((int8_dir / "ct2_model.json").read_text())
    assert metadata["source"] == str(workdir / "translator") and metadata["quantization"] == "int8"
    assert metadata["architecture"] == "MarianMTModel" and metadata["max_position_embeddings"] == 256
    generation = json.loads((int8_dir / "generation_config.json").read_text())
    assert generation["num_beams"] == 4 and generation["forced_eos_token_id"] == 0

    stamp = (int8_dir / "model.bin").stat().st_mtime_ns
    assert convert_to_ct2(str(workdir / "translator")) == int8_dir  # same source: reused
    assert (int8_dir / "model.bin").stat().st_mtime_ns == stamp
    with pytest.raises(FileExistsError, match="--force"):
        convert_to_ct2(str(workdir / "translator"), int8_dir, quantization="float32")
    with pytest.raises(ValueError, match="already a CTranslate2 model"):
        convert_to_ct2(str(int8_dir), workdir / "again")


def test_greedy_output_identical_to_pytorch(torch_model, float32_dir: Path) -> None:
    ct2 = CT2Seq2Seq("tiny", float32_dir, compute_type="float32", batch_window_s=0)
    options = {"num_beams": 1, "max_new_tokens": 16}
    expected = _torch_ids(torch_model, GREEK, **options)
    produced = _ct2_ids(ct2, GREEK, **options)
    assert produced == expected  # token for token
    assert all(len(ids) == 15 for ids in produced)  # forced </s> takes the 16th position
    assert ct2.generate(GREEK, **options) == torch_model.generate(GREEK, **options)
    # Beam search with the model's own settings (beam 4, length penalty 1) agrees too.
    assert ct2.generate(GREEK, max_new_tokens=40) == torch_model.generate(GREEK, max_new_tokens=40)


def test_end_token_and_min_new_tokens_match_pytorch(tiny_models, workdir: Path) -> None:
    # A bias on </s> makes the model stop at once, so min_new_tokens decides the length.
    from transformers import MarianMTModel

    source = workdir / "eager-eos"
    model = MarianMTModel.from_pretrained(tiny_models["translator"])
    with torch.no_grad():
        model.final_logits_bias[0, model.config.eos_token_id] = 2.0
    model.save_pretrained(source)
    for name in ("source.spm", "target.spm", "vocab.json", "tokenizer_config.json"):
        shutil.copy(tiny_models["translator"] / name, source / name)
    pt = load_seq2seq(str(source), backend="torch")
    ct2 = CT2Seq2Seq("eager", convert_to_ct2(str(source), quantization="float32"),
                     compute_type="float32", batch_window_s=0)
    for options in ({"num_beams": 1}, {"num_beams": 1, "min_new_tokens": 3},
                    {"num_beams": 4, "min_new_tokens": 5}):
        assert _ct2_ids(ct2, GREEK, **options) == _torch_ids(pt, GREEK, **options), options
    assert [len(ids) for ids in _ct2_ids(ct2, GREEK, num_beams=4, min_new_tokens=5)] == [5] * len(GREEK)
    assert ct2.generate(GREEK, num_beams=1) == [""] * len(GREEK)


def test_int8_model_translates_through_the_loader(workdir: Path, int8_dir: Path) -> None:
    model = load_seq2seq(str(workdir / "translator"), backend="ct2")
    assert isinstance(model, CT2Seq2Seq)
    info = model.info
    assert info.backend == "ct2" and info.device == "cpu" and info.path == str(int8_dir)
    assert info.details["compute_type"] == "int8" and int(info.details["intra_threads"]) >= 1
    assert info.max_input_tokens == 256
    outputs = model.generate(GREEK, num_beams=2, max_new_tokens=8)
    assert len(outputs) == len(GREEK) and all(outputs)
    assert model.generate([]) == []


def test_options_follow_transformers_semantics() -> None:
    defaults = GenerationDefaults(num_beams=4, max_length=512, forced_eos_token_id=0, bad_words_ids=((9,),))
    vocab = {9: None, 5: "▁a", 6: "▁b"}  # 9 (<pad>) is not in CTranslate2's vocabulary

    opts = ct2_options(defaults, None, None, {}, vocab.get)
    assert opts["beam_size"] == 4 and opts["max_decoding_length"] == 510  # 512 - start - forced </s>
    assert opts["length_penalty"] == 1.0 and "suppress_sequences" not in opts
    opts = ct2_options(defaults, 20, 1, {"min_new_tokens": 30, "bad_words_ids": [[5, 6]],
                                         "suppress_tokens": [9, 6]}, vocab.get)
    assert (opts["beam_size"], opts["max_decoding_length"], opts["min_decoding_length"]) == (1, 19, 19)
    assert opts["suppress_sequences"] == [["▁a", "▁b"], ["▁b"]]
    opts = ct2_options(GenerationDefaults(), 7, None, {"min_new_tokens": 7}, vocab.get)
    assert (opts["max_decoding_length"], opts["min_decoding_length"]) == (7, 7)
    with pytest.raises(TypeError, match="num_return_sequences"):
        ct2_options(defaults, None, None, {"num_return_sequences": 2}, vocab.get)


def test_auto_picks_ct2_when_converted_and_torch_otherwise(tiny_models, tmp_path: Path) -> None:
    plain = tmp_path / "plain"
    plain.symlink_to(tiny_models["translator"])
    assert find_ct2_model(str(plain)) is None
    assert load_seq2seq(str(plain)).info.backend == "torch"

    converted = convert_to_ct2(str(plain))
    assert converted == tmp_path / "plain-ct2-int8"
    assert load_seq2seq(str(plain)).info.backend == "ct2"  # the conversion beside it
    assert load_seq2seq(str(converted)).info.backend == "ct2"  # the CTranslate2 directory itself
    assert load_seq2seq(str(plain), backend="torch").info.backend == "torch"
    with pytest.raises(ModelNotAvailableError, match="CTranslate2 model directory"):
        load_seq2seq(str(converted), backend="torch")


def test_auto_finds_conversion_in_the_model_store(tiny_models, isolated_env: Path) -> None:
    store = isolated_env / "store"
    store.mkdir()
    (store / "acme--tiny-el-en").symlink_to(tiny_models["translator"])
    assert load_seq2seq("acme/tiny-el-en", store=store).info.backend == "torch"
    assert convert_to_ct2("acme/tiny-el-en", store=store) == store / "acme--tiny-el-en-ct2-int8"
    (store / "acme--tiny-el-en").unlink()  # the conversion alone is enough
    model = load_seq2seq("acme/tiny-el-en", store=store)
    assert model.info.backend == "ct2" and model.info.name == "acme/tiny-el-en"


def test_ct2_without_conversion_is_one_clear_error(tiny_models, tmp_path: Path) -> None:
    plain = tmp_path / "plain"
    plain.symlink_to(tiny_models["translator"])
    with pytest.raises(NotConvertedError) as info:
        load_seq2seq(str(plain), backend="ct2")
    assert isinstance(info.value, ModelNotAvailableError)
    message = str(info.value)
    assert "\n" not in message and str(plain) in message
    assert "plain-ct2-int8" in message
    assert f"--translator {plain} --ct2" in fix_line("translator", str(plain), info.value)  # the fix


def test_broken_conversion_falls_back_to_torch(tiny_models, tmp_path: Path) -> None:
    plain = tmp_path / "plain"
    plain.symlink_to(tiny_models["translator"])
    broken = tmp_path / "plain-ct2-int8"
    broken.mkdir()
    (broken / "model.bin").write_bytes(b"not a model")
    model = load_seq2seq(str(plain))
    assert model.info.backend == "torch" and "plain-ct2-int8" in model.info.details["ct2_error"]


def test_over_long_input_is_split_through_ct2(int8_dir: Path, monkeypatch) -> None:
    model = CT2Seq2Seq("tiny", int8_dir, batch_window_s=0)
    seen: list[list[str]] = []
    original = model._translate

    def spy(tokens, prefixes, options):
        seen.extend(tokens)
        return original(tokens, prefixes, options)

    monkeypatch.setattr(model, "_translate", spy)
    long_text = " ".join(GREEK * 30)  # far over the tiny model's 256 tokens
    assert model.count_tokens([long_text])[0] > model.max_input_tokens
    (output,) = model.generate([long_text], num_beams=1, max_new_tokens=4)
    assert len(seen) > 1 and all(len(t) <= model.max_input_tokens for t in seen)
    assert all(t[-1] == "</s>" for t in seen)  # every piece is a whole Marian source
    assert output


def test_concurrent_requests_are_merged_and_equal_sequential(int8_dir: Path) -> None:
    requests = [GREEK[i:] + GREEK[:i] for i in range(len(GREEK))]
    sequential = CT2Seq2Seq("tiny", int8_dir, batch_window_s=0)
    expected = [sequential.generate(r, num_beams=2, max_new_tokens=10) for r in requests]

    # A wide window so that all threads surely meet; the service default is 3 ms.
    merged = CT2Seq2Seq("tiny", int8_dir, batch_window_s=0.3)
    results: list[list[str] | None] = [None] * len(requests)
    barrier = threading.Barrier(len(requests))

    def worker(i: int) -> None:
        barrier.wait()
        results[i] = merged.generate(requests[i], num_beams=2, max_new_tokens=10)

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(len(requests))]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert results == expected
    assert merged.batcher is not None and merged.batcher.requests == len(requests)
    assert merged.batcher.calls < len(requests)
    merged.close()


def test_batcher_passes_errors_to_the_caller_and_keeps_working(int8_dir: Path) -> None:
    model = CT2Seq2Seq("tiny", int8_dir, batch_window_s=0.001)
    with pytest.raises(TypeError, match="not supported"):
        model.generate(GREEK[:1], num_return_sequences=3)
    with pytest.raises(ValueError):
        model.generate(GREEK[:1], num_beams=1, length_penalty="long")
    assert model.generate(GREEK[:2], num_beams=1, max_new_tokens=4)[0]
    model.close()


def test_convert_script_and_digest_cli(tiny_models, tmp_path: Path, capsys, isolated_env) -> None:
    spec = importlib.util.spec_from_file_location("convert_ct2", ROOT / "scripts" / "convert_ct2.py")
    assert spec and spec.loader
    script = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(script)
    source = tmp_path / "model"
    source.symlink_to(tiny_models["translator"])
    assert script.main([str(source)]) == 0
    assert capsys.readouterr().out.strip() == str(tmp_path / "model-ct2-int8")
    existing = tmp_path / "model-ct2-int8"
    assert script.main([str(source), "--out", str(existing), "--quantization", "float32"]) == 2
    assert "--force" in capsys.readouterr().err
    assert script.main(["acme/missing"]) == 3
    assert capsys.readouterr().err.startswith("error: Model 'acme/missing' is not available")

    from service.cli import main

    sample = ROOT / "ui" / "examples" / "el-news-putin-kim-call.txt"
    assert main(["digest", str(sample), "--translator", str(source), "--backend", "ct2",
                 "--format", "json", "--bullets", "2"]) == 0
    digest = json.loads(capsys.readouterr().out)
    assert len(digest["bullets"]) == 2 and all(b["en"] for b in digest["bullets"])


def test_mt5_summariser_beam_search_matches_pytorch(tiny_models, tmp_path: Path) -> None:
    """Guards the converter fix: without it CTranslate2 scales mT5's logits and beams diverge."""
    (tmp_path / "summarizer").symlink_to(tiny_models["summarizer"])
    converted = convert_to_ct2(str(tmp_path / "summarizer"), quantization="float32")
    ct2 = CT2Seq2Seq("tiny-mt5", converted, compute_type="float32", batch_window_s=0)
    torch_model = load_seq2seq(str(tiny_models["summarizer"]), backend="torch")
    pad = torch_model.tokenizer.pad_token_id
    options = {"num_beams": 4, "max_new_tokens": 12, "min_new_tokens": 4, "bad_words_ids": [[pad]]}
    texts = GREEK[:3]
    assert ct2.generate(texts, **options) == torch_model.generate(texts, **options)


def test_status_says_how_to_convert_when_ct2_is_forced(tiny_models, tmp_path: Path) -> None:
    from service.config import Settings
    from service.digest_service import DigestService

    (tmp_path / "translator").symlink_to(tiny_models["translator"])
    service = DigestService(Settings(translator=str(tmp_path / "translator"), backend="ct2")).load()
    status = service.status().to_dict()["translator"]
    assert status["state"] == "missing"
    assert "--ct2" in status["fix"] and "DIGEST_BACKEND=torch" in status["fix"]
