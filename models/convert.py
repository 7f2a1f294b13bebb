"""Convert a transformers seq2seq model to CTranslate2 (int8 by default), ready for CT2Seq2Seq.

The converted directory is self-contained: CTranslate2's model.bin and vocabulary, the original
tokenizer, generation_config.json, and ct2_model.json naming the source. It is written to a
temporary directory and renamed into place, so a half-written conversion is never picked up.

Where converted models live (what `load_seq2seq(backend="auto")` looks for) is models/store.py.
"""

from __future__ import annotations

import json
import os
import shutil
import time
from pathlib import Path

from models.locate import locate_model
from models.store import (
    DEFAULT_QUANTIZATION,
    METADATA_FILE,
    QUANTIZATIONS,
    converted_dir,
    is_ct2_model,
    read_metadata,
)


def _save_generation_config(source: Path, out: Path) -> None:
    # Older checkpoints keep generation settings in config.json; transformers derives them the
    # same way at generate() time, so the CTranslate2 backend sees the same defaults.
    from transformers import AutoConfig, GenerationConfig

    try:
        config = GenerationConfig.from_pretrained(source)
    except OSError:
        config = GenerationConfig.from_model_config(AutoConfig.from_pretrained(source))
    config.save_pretrained(out)


def _converter_class(ctranslate2):
    """TransformersConverter whose mT5 logits match transformers'.

    transformers 5 forces MT5Config.tie_word_embeddings=True and never rescales mT5's decoder
    output; CTranslate2's converter reads the flag and scales the logits by d_model**-0.5.
    Greedy output survives that, beam search and scores do not, so convert as untied.
    """

    class Converter(ctranslate2.converters.TransformersConverter):
        def load_model(self, model_class, path, **kwargs):
            model = super().load_model(model_class, path, **kwargs)
            if model.config.model_type == "mt5":
                model.config.tie_word_embeddings = False
            return model

    return Converter


def convert_to_ct2(
    name_or_path: str,
    out_dir: Path | str | None = None,
    quantization: str = DEFAULT_QUANTIZATION,
    force: bool = False,
    *,
    store: Path | None = None,
) -> Path:
    """Convert `name_or_path` (hub id or directory, found by locate_model) and return the directory.

    An existing conversion of the same source and quantization is reused unless `force`; any
    other existing directory at `out_dir` raises FileExistsError unless `force`.
    """
    if quantization not in QUANTIZATIONS:
        raise ValueError(f"unknown quantization {quantization!r}; choose one of {', '.join(QUANTIZATIONS)}")
    source = locate_model(name_or_path, store=store)
    if is_ct2_model(source):
        raise ValueError(f"{source} is already a CTranslate2 model")
    out = Path(out_dir).expanduser() if out_dir else converted_dir(name_or_path, quantization, store)
    if out.exists() and not force:
        metadata = read_metadata(out)
        if metadata.get("source_path") == str(source) and metadata.get("quantization") == quantization:
            return out
        raise FileExistsError(f"{out} already exists; pass force=True (--force) to replace it")

    import ctranslate2
    import transformers
    from transformers import AutoTokenizer

    out.parent.mkdir(parents=True, exist_ok=True)
    partial = out.with_name(f".{out.name}.partial-{os.getpid()}")
    shutil.rmtree(partial, ignore_errors=True)
    try:
        started = time.perf_counter()
        converter = _converter_class(ctranslate2)(str(source))
        converter.convert(str(partial), quantization=quantization, force=True)
        # The tokenizer goes beside the CTranslate2 files (none of its file names collide:
        # CTranslate2 writes model.bin, config.json and *_vocabulary.json).
        AutoTokenizer.from_pretrained(source).save_pretrained(partial)
        _save_generation_config(source, partial)
        hf_config = json.loads((source / "config.json").read_text(encoding="utf-8"))
        metadata = {
            "source": name_or_path,
            "source_path": str(source),
            "quantization": quantization,
            "architecture": (hf_config.get("architectures") or ["unknown"])[0],
            "max_position_embeddings": hf_config.get("max_position_embeddings"),
            "ctranslate2_version": ctranslate2.__version__,
            "transformers_version": transformers.__version__,
            "converted_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
            "convert_seconds": round(time.perf_counter() - started, 2),
        }
        (partial / METADATA_FILE).write_text(json.dumps(metadata, indent=2), encoding="utf-8")
        if out.exists():
            shutil.rmtree(out) if out.is_dir() else out.unlink()
        os.replace(partial, out)
    finally:
        shutil.rmtree(partial, ignore_errors=True)
    return out
