"""Models the product knows by name: defaults, sizes and how to run them.

Any other seq2seq hub id or directory works too; the registry only adds defaults and facts.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class KnownModel:
    repo_id: str
    task: str  # "translation" or "summarization"
    family: str  # marian, mbart, mt5
    languages: str
    parameters: str  # rough size, for people choosing
    note: str = ""
    input_prefix: str = ""  # text prepended to every input
    ct2_convertible: bool = True


DEFAULT_TRANSLATOR = "Helsinki-NLP/opus-mt-tc-big-el-en"
EXTRACTIVE = "extractive"

KNOWN_MODELS: dict[str, KnownModel] = {
    m.repo_id: m
    for m in (
        KnownModel(
            DEFAULT_TRANSLATOR,
            "translation",
            "marian",
            "el→en",
            "~237M",
            "default; transformer-big, best quality",
        ),
        KnownModel(
            "Helsinki-NLP/opus-mt-grk-en",
            "translation",
            "marian",
            "grk→en",
            "~75M",
            "transformer-base; smaller and faster",
        ),
        KnownModel(
            "dascim/greekbart-news24-abstract",
            "summarization",
            "mbart",
            "el",
            "~180M",
            "GreekBART fine-tuned on news24 abstracts",
        ),
        KnownModel(
            "IMISLab/GreekT5-mt5-small-greeksum",
            "summarization",
            "mt5",
            "el",
            "~300M",
            "mT5-small fine-tuned on GreekSUM",
            input_prefix="summarize: ",
        ),
    )
}


def input_prefix(name_or_path: str) -> str:
    known = KNOWN_MODELS.get(name_or_path)
    return known.input_prefix if known else ""
