"""Benchmark side d's pieces that need no argostranslate (CI never installs it): the package
layout Argos reads, the forced-length translator wrapper and the splitter handed to Argos."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path
from types import SimpleNamespace
from typing import Any

from devtools.bench_argos import PACKAGE_NAME, ForcedLengthTranslator, OurSplitter, build_package
from service.text import parse_article


def test_package_has_the_layout_argos_reads(tmp_path: Path) -> None:
    ct2, hf = tmp_path / "ct2", tmp_path / "hf"
    ct2.mkdir()
    hf.mkdir()
    (ct2 / "model.bin").write_bytes(b"weights")
    (ct2 / "shared_vocabulary.json").write_text("[]")
    (hf / "source.spm").write_bytes(b"spm")
    archive = build_package(ct2, hf, tmp_path / "work")
    with zipfile.ZipFile(archive) as zf:
        names = set(zf.namelist())
        metadata = json.loads(zf.read(f"{PACKAGE_NAME}/metadata.json"))
    expected = ("metadata.json", "sentencepiece.model", "model/model.bin", "model/shared_vocabulary.json")
    assert names == {f"{PACKAGE_NAME}/{n}" for n in expected}
    assert (metadata["from_code"], metadata["to_code"], metadata["type"]) == ("el", "en", "translate")


def test_forced_length_overrides_only_the_lengths() -> None:
    seen: dict[str, Any] = {}

    class Fake:
        compute_type = "int8"

        def translate_batch(self, source: list[list[str]], **kwargs: Any) -> list[Any]:
            seen.update(kwargs)
            return [SimpleNamespace(hypotheses=[["x"] * kwargs["max_decoding_length"]]) for _ in source]

    wrapper = ForcedLengthTranslator(Fake(), 7)
    wrapper.translate_batch([["a", "b"], ["c"]], beam_size=4, max_decoding_length=256, batch_type="tokens")
    assert seen == {"beam_size": 4, "batch_type": "tokens", "min_decoding_length": 7,
                    "max_decoding_length": 7}
    assert wrapper.produced == [7, 7] and wrapper.source_tokens == 3 and wrapper.compute_type == "int8"


def test_splitter_gives_our_sentences(sample_texts: dict[str, str]) -> None:
    text = next(iter(sample_texts.values()))
    article = parse_article(text)
    ours = [s for p in article.paragraphs for s in OurSplitter().split_sentences(p)]
    assert ours == article.sentence_texts
