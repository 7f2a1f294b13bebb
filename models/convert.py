"""Convert a transformers seq2seq model to CTranslate2 (int8 by default), ready for CT2Seq2Seq.

The converted directory is self-contained: CTranslate2's model.bin and vocabulary, the original
tokenizer, generation_config.json, and ct2_model.json naming the source. It is written to a
temporary directory beside the target and renamed into place (the rename is the mark of a finished
conversion), under a file lock beside the target, so two processes never both write it and a
conversion killed mid-way leaves only a `.<name>.partial-<pid>` directory: never loaded, removed by
the next conversion of the same target.

Where converted models live (what `load_seq2seq(backend="auto")` looks for) is models/store.py.
"""

from __future__ import annotations

import json
import logging
import os
import shutil
import time
from collections.abc import Callable
from pathlib import Path

from filelock import FileLock

from models.locate import locate_model
from models.store import (
    DEFAULT_QUANTIZATION,
    METADATA_FILE,
    QUANTIZATIONS,
    converted_dir,
    is_ct2_model,
    read_metadata,
)

log = logging.getLogger(__name__)
# Test-only: called with the temporary directory once CTranslate2's files are in it, so a test can
# kill the process at a known point mid-way (tests/test_auto_convert.py). None in normal use.
_after_model_written: Callable[[Path], None] | None = None


def lock_for(out: Path) -> FileLock:
    """The lock every writer of `out` holds (fcntl: released by the OS if the holder is killed)."""
    out.parent.mkdir(parents=True, exist_ok=True)
    return FileLock(out.with_name(f".{out.name}.lock"))


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
    with lock_for(out):  # a second process waits here, then finds the finished conversion
        if out.exists() and not force:
            metadata = read_metadata(out)
            if metadata.get("source_path") == str(source) and metadata.get("quantization") == quantization:
                return out
            raise FileExistsError(f"{out} already exists; pass force=True (--force) to replace it")
        stale_dirs = [*out.parent.glob(f".{out.name}.partial-*"), *out.parent.glob(f".{out.name}.old-*")]
        for stale in stale_dirs:  # left by a killed conversion; we hold the lock, nobody writes them
            log.warning("removing an unfinished conversion (its process was killed): %s", stale)
            shutil.rmtree(stale, ignore_errors=True)
        _convert(source, name_or_path, out, quantization)
    return out


def _convert(source: Path, name_or_path: str, out: Path, quantization: str) -> None:
    import ctranslate2
    import transformers
    from transformers import AutoTokenizer

    partial = out.with_name(f".{out.name}.partial-{os.getpid()}")
    shutil.rmtree(partial, ignore_errors=True)
    try:
        started = time.perf_counter()
        converter = _converter_class(ctranslate2)(str(source))
        converter.convert(str(partial), quantization=quantization, force=True)
        if _after_model_written is not None:
            _after_model_written(partial)
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
        # Replacing (--force): move the old one aside first, so `out` is at every moment either
        # the whole old conversion, absent, or the whole new one — never half-deleted.
        old = out.with_name(f".{out.name}.old-{os.getpid()}")
        if out.exists():
            os.replace(out, old)
        os.replace(partial, out)
        shutil.rmtree(old, ignore_errors=True)
    finally:
        shutil.rmtree(partial, ignore_errors=True)
