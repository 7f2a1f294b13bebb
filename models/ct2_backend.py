"""The CTranslate2 backend: the fast CPU path (int8), and float16 on CUDA.

A CTranslate2 model directory (see models/convert.py) holds ``model.bin`` and CTranslate2's own
vocabulary, plus the original Hugging Face tokenizer and ``generation_config.json`` saved beside
them. Text is tokenised by that tokenizer, token strings go through ``translate_batch``, and the
produced ids are decoded by the same tokenizer, so the text matches the transformers backend.

Generation options use the transformers names (``num_beams``, ``max_new_tokens``, ...) and are
mapped to CTranslate2's; defaults come from the model's generation config like ``generate()``.

Concurrent requests (Gradio serves each on its own thread) are merged by a small micro-batcher
into one ``translate_batch`` call: a worker thread takes every request that arrives within a few
milliseconds of the first, or while the previous call was running.
"""

from __future__ import annotations

import contextlib
import json
import os
import queue
import threading
import time
from collections.abc import Callable, Sequence
from concurrent.futures import Future
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from models.base import ModelInfo, Seq2SeqModel, input_limit

METADATA_FILE = "ct2_model.json"  # written by models.convert: source model, quantization, limits
VOCABULARY_FILES = ("target_vocabulary.json", "shared_vocabulary.json", "target_vocabulary.txt",
                    "shared_vocabulary.txt")
THREADS_ENV = "DIGEST_CT2_THREADS"
COMPUTE_TYPE_ENV = "DIGEST_CT2_COMPUTE_TYPE"
BATCH_WINDOW_ENV = "DIGEST_CT2_BATCH_WINDOW_MS"  # 0 disables the micro-batcher
DEFAULT_BATCH_WINDOW_S = 0.003
# CTranslate2's default when nothing else says: a generous cap, still far above news sentences.
FALLBACK_MAX_DECODING = 256

# generate() options that have no CTranslate2 counterpart but are safe to ignore: CTranslate2
# always works on log-probabilities (renormalize_logits) and ends the beam search by its own rule.
_IGNORED_OPTIONS = frozenset({"renormalize_logits", "early_stopping", "use_cache"})


def is_ct2_model(path: Path) -> bool:
    """Is `path` a CTranslate2 model directory (rather than a transformers one)?"""
    return (Path(path) / "model.bin").is_file()


def read_metadata(path: Path) -> dict[str, Any]:
    """The conversion metadata (empty for a CTranslate2 directory converted elsewhere)."""
    file = Path(path) / METADATA_FILE
    if not file.is_file():
        return {}
    return json.loads(file.read_text(encoding="utf-8"))


def default_threads() -> int:
    """CPU threads for one translation: $DIGEST_CT2_THREADS, else the CPUs this process may use."""
    raw = os.environ.get(THREADS_ENV, "").strip()
    if raw:
        return max(1, int(raw))
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

    requested = requested or os.environ.get(COMPUTE_TYPE_ENV, "").strip() or None
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


def _freeze(value: Any) -> Any:
    """A hashable form of an options value (lists of lists become tuples of tuples)."""
    if isinstance(value, list | tuple):
        return tuple(_freeze(v) for v in value)
    return value


@dataclass(frozen=True)
class GenerationDefaults:
    """The generation_config.json fields that CTranslate2 needs, with transformers' defaults."""

    num_beams: int = 1
    max_length: int | None = None  # decoder length incl. the start token, as in transformers
    min_length: int = 0
    length_penalty: float = 1.0
    repetition_penalty: float = 1.0
    no_repeat_ngram_size: int = 0
    forced_eos_token_id: int | None = None
    forced_bos_token_id: int | None = None
    decoder_start_token_id: int | None = None
    bad_words_ids: tuple[tuple[int, ...], ...] = ()
    suppress_tokens: tuple[int, ...] = ()

    @classmethod
    def from_dir(cls, path: Path) -> GenerationDefaults:
        file = Path(path) / "generation_config.json"
        if not file.is_file():
            return cls()
        data = json.loads(file.read_text(encoding="utf-8"))
        forced_eos = data.get("forced_eos_token_id")
        if isinstance(forced_eos, list):  # transformers allows a list; one id is all Marian uses
            forced_eos = forced_eos[0] if forced_eos else None
        return cls(
            num_beams=int(data.get("num_beams") or 1),
            max_length=data.get("max_length"),
            min_length=int(data.get("min_length") or 0),
            length_penalty=float(data.get("length_penalty", 1.0)),
            repetition_penalty=float(data.get("repetition_penalty", 1.0)),
            no_repeat_ngram_size=int(data.get("no_repeat_ngram_size") or 0),
            forced_eos_token_id=forced_eos,
            forced_bos_token_id=data.get("forced_bos_token_id"),
            decoder_start_token_id=data.get("decoder_start_token_id"),
            bad_words_ids=_freeze(data.get("bad_words_ids") or ()),
            suppress_tokens=_freeze(data.get("suppress_tokens") or ()),
        )


def ct2_options(
    defaults: GenerationDefaults,
    max_new_tokens: int | None,
    num_beams: int | None,
    options: dict[str, Any],
    id_to_token: Callable[[int], str | None],
) -> dict[str, Any]:
    """translate_batch keyword arguments equivalent to generate(**options) in transformers.

    Lengths: transformers counts `max_length` with the decoder start token and, when the model
    forces EOS at the last position (Marian does), leaves one token fewer for text; CTranslate2's
    `max_decoding_length` counts the produced tokens only. Token ids of `bad_words_ids` /
    `suppress_tokens` become `suppress_sequences`; ids missing from CTranslate2's vocabulary (the
    converter drops Marian's `<pad>`, which it can then never produce) are left out, since an
    unknown token string would suppress `<unk>` instead.
    """
    options = dict(options)
    unknown = set(options) - _SUPPORTED_OPTIONS - _IGNORED_OPTIONS
    if unknown:
        raise TypeError(f"generate() options not supported by the CTranslate2 backend: {sorted(unknown)}")
    num_beams = num_beams or options.pop("num_beams", None) or defaults.num_beams

    if max_new_tokens is None:
        max_new_tokens = options.pop("max_new_tokens", None)
    if max_new_tokens is None:
        max_length = options.pop("max_length", None) or defaults.max_length
        max_new_tokens = max_length - 1 if max_length else FALLBACK_MAX_DECODING
    forced_eos = options.pop("forced_eos_token_id", defaults.forced_eos_token_id)
    max_decoding = max(1, max_new_tokens - 1 if forced_eos is not None else max_new_tokens)

    min_new_tokens = options.pop("min_new_tokens", None)
    if min_new_tokens is None:
        min_length = options.pop("min_length", None) or defaults.min_length
        min_new_tokens = max(0, min_length - 1)
    result: dict[str, Any] = {
        "beam_size": int(num_beams),
        "max_decoding_length": int(max_decoding),
        "min_decoding_length": int(min(max(min_new_tokens, 0), max_decoding)),
        "length_penalty": float(options.pop("length_penalty", defaults.length_penalty)),
        "repetition_penalty": float(options.pop("repetition_penalty", defaults.repetition_penalty)),
        "no_repeat_ngram_size": int(options.pop("no_repeat_ngram_size", defaults.no_repeat_ngram_size)),
    }

    bad_words = list(options.pop("bad_words_ids", None) or defaults.bad_words_ids)
    bad_words += [[t] for t in options.pop("suppress_tokens", None) or defaults.suppress_tokens]
    sequences = []
    for ids in bad_words:
        tokens = [id_to_token(int(i)) for i in ids]
        if all(tokens):
            sequences.append(tokens)
    if sequences:
        result["suppress_sequences"] = sequences

    if options.pop("do_sample", False):
        result["sampling_topk"] = int(options.pop("top_k", 50) or 0)  # transformers' default 50
        result["sampling_topp"] = float(options.pop("top_p", 1.0))
        result["sampling_temperature"] = float(options.pop("temperature", 1.0))
    return result


_SUPPORTED_OPTIONS = frozenset({
    "num_beams", "max_new_tokens", "max_length", "min_new_tokens", "min_length", "length_penalty",
    "repetition_penalty", "no_repeat_ngram_size", "bad_words_ids", "suppress_tokens",
    "forced_eos_token_id", "do_sample", "top_k", "top_p", "temperature",
})


@dataclass
class _Request:
    tokens: list[list[str]]
    prefixes: list[list[str]] | None
    options: dict[str, Any]
    key: tuple
    future: Future = field(default_factory=Future)


class MicroBatcher:
    """Merges concurrent requests with equal options into one call of `run`.

    One worker thread owns the calls. It takes the first waiting request, then every request
    that arrives within `window_s` (or was already queued while the previous call ran), up to
    `max_examples`, runs each group of equal options once, and hands every caller its own slice.
    An idle service pays at most `window_s` of latency; a busy one gets bigger, cheaper batches.
    """

    def __init__(
        self,
        run: Callable[[list[list[str]], list[list[str]] | None, dict[str, Any]], list[list[str]]],
        window_s: float = DEFAULT_BATCH_WINDOW_S,
        max_examples: int = 64,
    ) -> None:
        self._run = run
        self.window_s = window_s
        self.max_examples = max_examples
        self._queue: queue.SimpleQueue[_Request | None] = queue.SimpleQueue()
        self._thread: threading.Thread | None = None
        self._start_lock = threading.Lock()
        self.calls = 0  # runs made, for status views and tests
        self.requests = 0

    def submit(
        self, tokens: list[list[str]], prefixes: list[list[str]] | None, options: dict[str, Any]
    ) -> list[list[str]]:
        """Results for `tokens`, computed together with whatever else is waiting."""
        key = tuple(sorted((k, _freeze(v)) for k, v in options.items()))
        request = _Request(tokens, prefixes, options, key)
        self._ensure_worker()
        self._queue.put(request)
        return request.future.result()

    def close(self) -> None:
        if self._thread is not None:
            self._queue.put(None)
            self._thread.join(timeout=5)
            self._thread = None

    def _ensure_worker(self) -> None:
        with self._start_lock:
            if self._thread is None or not self._thread.is_alive():
                self._thread = threading.Thread(target=self._work, name="ct2-batcher", daemon=True)
                self._thread.start()

    def _collect(self, first: _Request) -> tuple[list[_Request], bool]:
        pending, size = [first], len(first.tokens)
        deadline = time.monotonic() + self.window_s
        while size < self.max_examples:
            remaining = deadline - time.monotonic()
            try:
                item = self._queue.get(timeout=remaining) if remaining > 0 else self._queue.get_nowait()
            except queue.Empty:
                break
            if item is None:
                return pending, True
            pending.append(item)
            size += len(item.tokens)
        return pending, False

    def _work(self) -> None:
        while True:
            first = self._queue.get()
            if first is None:
                return
            pending, stop = self._collect(first)
            groups: dict[tuple, list[_Request]] = {}
            for request in pending:
                groups.setdefault(request.key, []).append(request)
            for group in groups.values():
                self._run_group(group)
            if stop:
                return

    def _run_group(self, group: list[_Request]) -> None:
        tokens = [t for r in group for t in r.tokens]
        prefixes = None
        if any(r.prefixes for r in group):
            prefixes = [p for r in group for p in (r.prefixes or [[] for _ in r.tokens])]
        try:
            results = self._run(tokens, prefixes, group[0].options)
        except BaseException as exc:  # every waiting caller gets the error; the worker lives on
            for request in group:
                request.future.set_exception(exc)
            return
        self.calls += 1
        self.requests += len(group)
        start = 0
        for request in group:
            request.future.set_result(results[start : start + len(request.tokens)])
            start += len(request.tokens)


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
            raw = os.environ.get(BATCH_WINDOW_ENV, "").strip()
            batch_window_s = float(raw) / 1000 if raw else DEFAULT_BATCH_WINDOW_S
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

    def output_ids(self, texts: Sequence[str], **options: Any) -> list[list[int]]:
        """Token ids produced for each text, without the end token (for tests and benchmarks)."""
        max_new_tokens = options.pop("max_new_tokens", None)
        num_beams = options.pop("num_beams", None)
        ct2 = self.options_for(max_new_tokens, num_beams, options)
        hypotheses = self._hypotheses(self._source_tokens(list(texts)), ct2, None)
        with self._tokenizer_lock:
            return [self.tokenizer.convert_tokens_to_ids(h) for h in hypotheses]

    def close(self) -> None:
        """Stop the batcher's worker thread (it is a daemon; this is for tidy tests)."""
        if self.batcher is not None:
            self.batcher.close()
