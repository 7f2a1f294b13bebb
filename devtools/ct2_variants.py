"""CTranslate2 settings tried for base c/b (docs/PERFORMANCE.md, "Pushing base c/b"), interleaved.

    python -m devtools.ct2_variants [build/bench/base/spec.json] [--rounds 5] [--only ABCD]

Reads the spec scripts/bench.py wrote (model directories, inputs, batches, forced lengths), loads
every variant at once and runs them in turn, round after round, so each sees the same machine
load; prints the median seconds for all sentences per variant.
"""

from __future__ import annotations

import argparse
import json
import math
import statistics
import time
from pathlib import Path
from typing import Any

VARIANTS: dict[str, tuple[str, int, int, str, Any]] = {  # key: (label, intra, inter, compute, batching)
    "A": ("current: intra 2 / inter 1, 32 examples", 2, 1, "int8", {"max_batch_size": 32}),
    "B": ("batch_type tokens, 1024", 2, 1, "int8", {"max_batch_size": 1024, "batch_type": "tokens"}),
    "F": ("batch_type tokens, 256", 2, 1, "int8", {"max_batch_size": 256, "batch_type": "tokens"}),
    "C": ("intra 1 / inter 2, each batch in two halves", 1, 2, "int8", "halves"),
    "D": ("intra 1 / inter 1", 1, 1, "int8", {"max_batch_size": 32}),
    "E": ("compute_type int8_float32", 2, 1, "int8_float32", {"max_batch_size": 32}),
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("spec", type=Path, nargs="?", default=Path("build/bench/base/spec.json"))
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--only", default="".join(VARIANTS))
    args = parser.parse_args()
    import ctranslate2
    from transformers import AutoTokenizer

    spec = json.loads(args.spec.read_text(encoding="utf-8"))
    tokenizer = AutoTokenizer.from_pretrained(spec["hf_dir"])
    tokens = [tokenizer.convert_ids_to_tokens(ids) for ids in tokenizer(spec["texts"])["input_ids"]]
    keys = [k for k in VARIANTS if k in args.only]
    translators = {k: ctranslate2.Translator(spec["ct2_dir"], device="cpu", compute_type=VARIANTS[k][3],
                                             intra_threads=VARIANTS[k][1], inter_threads=VARIANTS[k][2])
                   for k in keys}

    def run(key: str) -> None:
        batching = VARIANTS[key][4]
        for batch, length in zip(spec["batches"], spec["batch_lengths"], strict=True):
            options = {"max_batch_size": math.ceil(len(batch) / 2)} if batching == "halves" else batching
            translators[key].translate_batch(
                [tokens[i] for i in batch], beam_size=spec["beams"], min_decoding_length=length,
                max_decoding_length=length, **options,
            )

    times: dict[str, list[float]] = {k: [] for k in keys}
    for key in keys:
        run(key)  # warm-up
    for _ in range(args.rounds):
        for key in keys:
            t0 = time.perf_counter()
            run(key)
            times[key].append(round(time.perf_counter() - t0, 2))
    for key in keys:
        print(f"{key} {VARIANTS[key][0]}: median {statistics.median(times[key]):.2f} s {times[key]}")


if __name__ == "__main__":
    main()
