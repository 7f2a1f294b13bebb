"""transformers generate() options → CTranslate2 translate_batch options, with the model's defaults.

Defaults come from the model's generation_config.json, as transformers' generate() takes them.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

# CTranslate2's default when nothing else says: a generous cap, still far above news sentences.
FALLBACK_MAX_DECODING = 256

# generate() options that have no CTranslate2 counterpart but are safe to ignore: CTranslate2
# always works on log-probabilities (renormalize_logits) and ends the beam search by its own rule.
_IGNORED_OPTIONS = frozenset({"renormalize_logits", "early_stopping", "use_cache"})


def freeze(value: Any) -> Any:
    """A hashable form of an options value (lists of lists become tuples of tuples)."""
    if isinstance(value, list | tuple):
        return tuple(freeze(v) for v in value)
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
            bad_words_ids=freeze(data.get("bad_words_ids") or ()),
            suppress_tokens=freeze(data.get("suppress_tokens") or ()),
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



