"""The CTranslate2 backend: the fast CPU path (int8), and float16 on CUDA.

A CTranslate2 model directory (see models/convert.py) holds ``model.bin`` and CTranslate2's own
vocabulary, plus the original Hugging Face tokenizer and ``generation_config.json`` saved beside
them. Text is tokenised by that tokenizer, token strings go through ``translate_batch``, and the
produced ids are decoded by the same tokenizer, so the text matches the transformers backend.

Generation options use the transformers names (``num_beams``, ``max_new_tokens``, ...) and are
mapped to CTranslate2's by models/ct2_options.py; defaults come from the model's generation config.
Concurrent requests are merged into one ``translate_batch`` call by models/microbatch.py.
"""

from __future__ import annotations

import contextlib
import json
import os
import threading
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from models.base import ModelInfo, Seq2SeqModel, input_limit
from models.ct2_options import GenerationDefaults, ct2_options
from models.microbatch import DEFAULT_BATCH_WINDOW_S, MicroBatcher
from models.store import read_metadata

VOCABULARY_FILES = ("target_vocabulary.json", "shared_vocabulary.json", "target_vocabulary.txt",
                    "shared_vocabulary.txt")

def default_threads() -> int:
    """CPU threads for one translation: the CPUs this process may use."""
    affinity = getattr(os, "sched_getaffinity", None)
    return len(affinity(0)) if affinity else os.cpu_count() or 1


def pick_device(device: str | None) -> str:
    import ctranslate2

    if device and device != "auto":
        return "cuda" if device.startswith("cuda") else device
    return "cuda" if ctranslate2.get_cuda_device_count() > 0 else "cpu"


def pick_compute_type(device: str, requested: str | None = None) -> str:
    """int8 on CPU; int8 weights with float16 activations (else float16) on CUDA."""
    import ctranslate2

    if requested:
        return requested
    supported = ctranslate2.get_supported_compute_types(device)
    preferences = ("int8_float16", "float16") if device == "cuda" else ("int8", "int8_float32")
    return next((c for c in preferences if c in supported), "default")


def _read_vocabulary(path: Path) -> set[str]:
    for name in VOCABULARY_FILES:
        file = path / name
        if file.is_file():
            text = file.read_text(encoding="utf-8")
            return set(json.loads(text)) if name.endswith(".json") else set(text.splitlines())
    return set()


class CT2Seq2Seq(Seq2SeqModel):
    """A converted seq2seq model run by ctranslate2.Translator."""

    max_batch_size = 32  # examples per forward pass when the batcher has merged requests

    def __init__(
        self,
        name: str,
        path: Path,
        *,
        device: str | None = None,
        prefix: str = "",
        compute_type: str | None = None,
        intra_threads: int | None = None,
        batch_window_s: float | None = None,
    ) -> None:
        super().__init__()
        import ctranslate2
        from transformers import AutoTokenizer

        started = time.perf_counter()
        path = Path(path)
        self.device = pick_device(device)
        self.compute_type = pick_compute_type(self.device, compute_type)
        self.prefix = prefix
        threads = intra_threads or default_threads()
        # inter_threads=1: one translation at a time using every core; concurrency comes from
        # batching requests together, which uses the cores better than parallel small batches.
        index = int(device.split(":", 1)[1]) if device and device.startswith("cuda:") else 0
        self.translator = ctranslate2.Translator(
            str(path), device=self.device, device_index=index, compute_type=self.compute_type,
            inter_threads=1, intra_threads=threads if self.device == "cpu" else 0,
        )
        self.tokenizer = AutoTokenizer.from_pretrained(path)
        self._tokenizer_lock = threading.Lock()  # tokenizers are not guaranteed thread-safe
        self.defaults = GenerationDefaults.from_dir(path)
        self._vocabulary = _read_vocabulary(path)
        metadata = read_metadata(path)
        self._target_prefix = self._decoder_prefix(path)


        if batch_window_s is None:
            batch_window_s = DEFAULT_BATCH_WINDOW_S
        self.batcher: MicroBatcher | None = None
        if batch_window_s > 0:
            self.batcher = MicroBatcher(self._translate, window_s=batch_window_s)
            # The base class serialises generate() calls with a per-model lock; with it, two
            # requests could never meet in the batcher. The batcher's single worker serialises
            # the translator calls instead.
            self._lock = contextlib.nullcontext()  # type: ignore[assignment]

        self.info = ModelInfo(
            name=name,
            path=str(path),
            backend="ct2",
            device=self.device,
            max_input_tokens=input_limit(self.tokenizer, metadata.get("max_position_embeddings")),
            load_seconds=time.perf_counter() - started,
            details={
                "compute_type": self.compute_type,
                "intra_threads": str(threads),
                "source": str(metadata.get("source", "unknown")),
                "micro_batching": f"{batch_window_s * 1000:g} ms window" if self.batcher else "off",
            },
        )

    # -- tokens -------------------------------------------------------------------------------
    def count_tokens(self, texts: Sequence[str]) -> list[int]:
        with self._tokenizer_lock:
            return [len(ids) for ids in self.tokenizer(list(texts))["input_ids"]]

    def _source_tokens(self, texts: list[str]) -> list[list[str]]:
        """Token strings as the tokenizer makes them, special tokens included (Marian: a final
        </s>, which CTranslate2 expects in the input since the converter sets no add_source_eos)."""
        with self._tokenizer_lock:
            encoded = self.tokenizer(texts)["input_ids"]
            return [self.tokenizer.convert_ids_to_tokens(ids) for ids in encoded]

    def _decoder_prefix(self, path: Path) -> list[str]:
        """Tokens every output starts with that CTranslate2 must be given as a target prefix.

        The converter leaves mBART's decoder start token unset (mBART-25 starts from the
        language code), so it comes from generation_config.json; a forced first token
        (mBART-50's target language) follows it.
        """
        ids = []
        config = json.loads((path / "config.json").read_text(encoding="utf-8"))
        if config.get("decoder_start_token") is None and self.defaults.decoder_start_token_id is not None:
            ids.append(self.defaults.decoder_start_token_id)
        if self.defaults.forced_bos_token_id is not None:
            ids.append(self.defaults.forced_bos_token_id)
        return [self.tokenizer.convert_ids_to_tokens(i) for i in ids]

    def _id_to_token(self, token_id: int) -> str | None:
        token = self.tokenizer.convert_ids_to_tokens(token_id)
        return token if token in self._vocabulary else None

    def options_for(
        self, max_new_tokens: int | None, num_beams: int | None, options: dict[str, Any]
    ) -> dict[str, Any]:
        """The translate_batch arguments for these generate() options (see ct2_options)."""
        with self._tokenizer_lock:
            return ct2_options(self.defaults, max_new_tokens, num_beams, options, self._id_to_token)

    # -- generation ---------------------------------------------------------------------------
    def _translate(
        self, tokens: list[list[str]], prefixes: list[list[str]] | None, options: dict[str, Any]
    ) -> list[list[str]]:
        results = self.translator.translate_batch(
            tokens,
            target_prefix=prefixes,
            max_batch_size=self.max_batch_size,
            max_input_length=0,  # never truncate: generate() already split over-long inputs
            **options,
        )
        return [result.hypotheses[0] for result in results]

    def _hypotheses(
        self, tokens: list[list[str]], options: dict[str, Any], batcher: MicroBatcher | None
    ) -> list[list[str]]:
        """Best output tokens for each source, without the target prefix."""
        prefix = self._target_prefix
        prefixes = [list(prefix) for _ in tokens] if prefix else None
        if batcher is not None:
            hypotheses = batcher.submit(tokens, prefixes, options)
        else:
            hypotheses = self._translate(tokens, prefixes, options)
        if prefix:
            hypotheses = [h[len(prefix):] if h[: len(prefix)] == prefix else h for h in hypotheses]
        return hypotheses

    def _generate_batch(
        self, texts: list[str], max_new_tokens: int | None, num_beams: int | None, **options
    ) -> list[str]:
        ct2 = self.options_for(max_new_tokens, num_beams, options)
        hypotheses = self._hypotheses(self._source_tokens(texts), ct2, self.batcher)
        with self._tokenizer_lock:
            ids = [self.tokenizer.convert_tokens_to_ids(h) for h in hypotheses]
            return self.tokenizer.batch_decode(ids, skip_special_tokens=True)

    def close(self) -> None:
        """Stop the batcher's worker thread (it is a daemon; this is for tidy tests)."""
        if self.batcher is not None:
            self.batcher.close()
