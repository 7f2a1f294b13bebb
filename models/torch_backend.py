"""The transformers backend: AutoTokenizer + AutoModelForSeq2SeqLM and `generate()`.

transformers 5 has no translation/summarisation pipeline, and a pipeline would hide batching
and the input limit anyway, so this calls `generate()` directly.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from pathlib import Path

from models.base import ModelInfo, Seq2SeqModel, input_limit


def pick_device(device: str | None) -> str:
    import torch

    if device and device != "auto":
        return device
    return "cuda" if torch.cuda.is_available() else "cpu"


class TransformersSeq2Seq(Seq2SeqModel):
    """A seq2seq model run by PyTorch (fp32 on CPU; fp16 on CUDA)."""

    def __init__(
        self, name: str, path: Path, *, device: str | None = None, prefix: str = ""
    ) -> None:
        super().__init__()
        import torch
        from transformers import AutoModelForSeq2SeqLM, AutoTokenizer
        from transformers.utils import logging as hf_logging

        hf_logging.disable_progress_bar()  # a "Loading weights" bar per load is noise in a service
        started = time.perf_counter()
        self.device = pick_device(device)
        self.prefix = prefix
        self.tokenizer = AutoTokenizer.from_pretrained(path)
        dtype = torch.float16 if self.device.startswith("cuda") else torch.float32
        self.model = AutoModelForSeq2SeqLM.from_pretrained(path, dtype=dtype).to(self.device)
        self.model.eval()
        self.info = ModelInfo(
            name=name,
            path=str(path),
            backend="torch",
            device=self.device,
            max_input_tokens=input_limit(
                self.tokenizer, getattr(self.model.config, "max_position_embeddings", None)
            ),
            load_seconds=time.perf_counter() - started,
            details={"architecture": type(self.model).__name__, "dtype": str(dtype)},
        )

    def count_tokens(self, texts: Sequence[str]) -> list[int]:
        return [len(ids) for ids in self.tokenizer(list(texts))["input_ids"]]

    def _generate_batch(
        self, texts: list[str], max_new_tokens: int | None, num_beams: int | None, **options
    ) -> list[str]:
        import torch

        encoded = self.tokenizer(texts, return_tensors="pt", padding=True).to(self.device)
        if max_new_tokens is not None:
            # max_length=None: the model's own max_length would otherwise warn on every call.
            options.update(max_new_tokens=max_new_tokens, max_length=None)
        if num_beams is not None:
            options["num_beams"] = num_beams
        with torch.inference_mode():
            output_ids = self.model.generate(**encoded, **options)
        return self.tokenizer.batch_decode(output_ids, skip_special_tokens=True)
