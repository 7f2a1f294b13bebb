"""Models the product knows by name: defaults, sizes and how to run them.

Any other seq2seq hub id or directory works too; the registry only adds defaults and facts
(input prefix, generation options that suit the model, whether CTranslate2 can convert it).
Facts were checked against the model cards and configs on the Hugging Face Hub.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from models.store import store_name, without_ct2_suffix

TRANSLATION = "translation"
SUMMARIZATION = "summarization"


@dataclass(frozen=True)
class KnownModel:
    repo_id: str
    task: str  # TRANSLATION or SUMMARIZATION
    family: str  # transformers model_type: marian, mbart, mt5
    languages: str
    parameters: str  # rough size, for people choosing
    download: str  # rough size of the weights to fetch (fp32)
    note: str = ""
    input_prefix: str = ""  # text prepended to every input (T5-style task prefix, target token)
    ct2_convertible: bool = True  # shown by `download_models.py --list`; every entry converts
    # Generation options that suit this model, on top of the service's defaults.
    generation: dict[str, Any] = field(default_factory=dict)

    @property
    def kind(self) -> str:
        """'translator' or 'summarizer': the role the service gives it."""
        return "translator" if self.task == TRANSLATION else "summarizer"

    @property
    def store_name(self) -> str:
        return store_name(self.repo_id)


DEFAULT_TRANSLATOR = "Helsinki-NLP/opus-mt-tc-big-el-en"

KNOWN_MODELS: dict[str, KnownModel] = {
    m.repo_id: m
    for m in (
        KnownModel(
            DEFAULT_TRANSLATOR,
            TRANSLATION,
            "marian",
            "el→en",
            "~237M",
            "~950 MB",
            "default; transformer-big (Tatoeba-MT), best quality",
        ),
        # A multi-*source* model (ell, grc_Grek → eng). Only multi-*target* opus-mt models need a
        # sentence-initial >>xxx<< token; this one has a single target, so inputs take no token.
        KnownModel(
            "Helsinki-NLP/opus-mt-grk-en",
            TRANSLATION,
            "marian",
            "el, grc→en",
            "~56M",
            "~225 MB",
            "transformer-base; smaller and faster; no >>eng<< token needed (single target)",
        ),
        # Tagged BART on its card, but config.json says model_type "mbart" (BART-base shape,
        # 6+6 layers, SentencePiece vocab of 50k), so it loads as MBartForConditionalGeneration.
        KnownModel(
            "dascim/greekbart-news24-abstract",
            SUMMARIZATION,
            "mbart",
            "el",
            "~165M",
            "~560 MB",
            "GreekBART fine-tuned on news24 article → abstract",
        ),
        # The authors' evaluation code feeds "summarize: " + article, max_new_tokens 128,
        # repetition_penalty 1.2. The umT5 variants (GreekT5-umt5-*) cannot be converted to
        # CTranslate2 (no umt5 loader); this mT5 one can.
        KnownModel(
            "IMISLab/GreekT5-mt5-small-greeksum",
            SUMMARIZATION,
            "mt5",
            "el",
            "~300M",
            "~1.2 GB",
            "mT5-small fine-tuned on GreekSUM",
            input_prefix="summarize: ",
            generation={"repetition_penalty": 1.2},
        ),
    )
}


def lookup(name_or_path: str) -> KnownModel | None:
    """The registry entry for a hub id, or for a model-store directory named after one.

    `model-store/IMISLab--GreekT5-mt5-small-greeksum` (or a `-ct2[-<quantization>]` conversion) is the
    same model as the hub id, so it gets the same input prefix and generation options.
    """
    if name_or_path in KNOWN_MODELS:
        return KNOWN_MODELS[name_or_path]
    base = Path(name_or_path.rstrip("/\\")).name
    base = without_ct2_suffix(base)
    for model in KNOWN_MODELS.values():
        if base == model.store_name:
            return model
    return None


def input_prefix(name_or_path: str) -> str:
    known = lookup(name_or_path)
    return known.input_prefix if known else ""


def generation_options(name_or_path: str) -> dict[str, Any]:
    known = lookup(name_or_path)
    return dict(known.generation) if known else {}


def models_for(task: str) -> list[KnownModel]:
    return [m for m in KNOWN_MODELS.values() if m.task == task]


def registry_table() -> str:
    """The registry as a Markdown table (printed by `download_models.py --list`, used in README)."""
    rows = [
        "| model | task | family | languages | parameters | download | input prefix | CTranslate2 | note |",
        "| --- | --- | --- | --- | --- | --- | --- | --- | --- |",
    ]
    for m in KNOWN_MODELS.values():
        prefix = f"`{m.input_prefix}`" if m.input_prefix else "—"
        rows.append(
            f"| `{m.repo_id}` | {m.task} | {m.family} | {m.languages} | {m.parameters} | "
            f"{m.download} | {prefix} | {'yes' if m.ct2_convertible else 'no'} | {m.note} |"
        )
    return "\n".join(rows)
