"""The model-store layout, in one place: where prepared models live and how their folders are named
and recognised.

    <store>/<org>--<name>                 a hub id's transformers files (the HF cache's naming)
    <store>/<org>--<name>-ct2-<quant>     its CTranslate2 conversion (int8 by default)
    <dir>-ct2-<quant>                     the conversion of a model directory, beside it
    <store>/<dir name>-<hash>-ct2-<quant> ... or in the store, when the directory's parent is
                                          read-only (the hash tells same-named directories apart)

The store is passed in (the service's Settings.models_dir, a script's --dir); functions given
none use ./model-store of the checkout. Nothing here reads the environment.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
from pathlib import Path
from typing import Any

DEFAULT_MODELS_DIR = Path(__file__).resolve().parent.parent / "model-store"
QUANTIZATIONS = (
    "int8", "int8_float32", "int8_float16", "int8_bfloat16", "int16", "float16", "bfloat16", "float32",
)
DEFAULT_QUANTIZATION = "int8"
METADATA_FILE = "ct2_model.json"  # written by models.convert: source model, quantization, limits
# Files a tokenizer may be saved as; a complete model folder has at least one.
TOKENIZER_FILES = frozenset(
    {
        "tokenizer.json",
        "tokenizer_config.json",
        "special_tokens_map.json",
        "added_tokens.json",
        "vocab.json",
        "vocab.txt",
        "merges.txt",
        "spiece.model",  # T5 / mT5
        "sentencepiece.bpe.model",  # mBART / BARThez-style
        "sentencepiece.model",
        "source.spm",  # Marian
        "target.spm",
    }
)
_CT2_SUFFIX = re.compile(r"-ct2(?:-[a-z0-9_]+)?$")


def store_name(repo_id: str) -> str:
    """Directory name of a hub id inside the model store (the same scheme as the HF cache)."""
    return repo_id.replace("/", "--")


def is_hub_id(name: str) -> bool:
    """`org/name` as the hub spells ids; paths like ./x, /x, ~/x or a/b/c are not."""
    return name.count("/") == 1 and not name.startswith((".", "/", "~")) and all(name.split("/"))


def is_directory_name(name_or_path: str) -> bool:
    """A directory (existing or not) rather than a hub id `org/name`."""
    return Path(name_or_path).expanduser().is_dir() or not is_hub_id(name_or_path)


def ct2_suffix(quantization: str = DEFAULT_QUANTIZATION) -> str:
    return f"-ct2-{quantization}"


def without_ct2_suffix(name: str) -> str:
    """`org--name` for a conversion directory `org--name-ct2[-<quantization>]`."""
    return _CT2_SUFFIX.sub("", name)


# -- is this a model folder? --------------------------------------------------------------------
def has_model_files(path: Path) -> bool:
    """Does `path` look like a model folder (transformers config or CTranslate2 model.bin)?"""
    return (path / "config.json").is_file() or (path / "model.bin").is_file()


def is_ct2_model(path: Path) -> bool:
    """Is `path` a CTranslate2 model directory (rather than a transformers one)?"""
    return (Path(path) / "model.bin").is_file()


def weight_files(path: Path) -> list[Path]:
    found = sorted(path.glob("model*.safetensors"))
    return found or sorted(path.glob("pytorch_model*.bin"))


def is_complete_model(path: Path) -> bool:
    """Does `path` hold a complete transformers model (config, weights, some tokenizer file)?"""
    return (
        (path / "config.json").is_file()
        and bool(weight_files(path))
        and any((path / name).is_file() for name in TOKENIZER_FILES)
    )


def is_complete_ct2_model(path: Path) -> bool:
    return (path / "model.bin").is_file() and (path / "config.json").is_file()


def read_metadata(path: Path) -> dict[str, Any]:
    """A conversion's metadata (empty for a CTranslate2 directory converted elsewhere)."""
    file = Path(path) / METADATA_FILE
    if not file.is_file():
        return {}
    return json.loads(file.read_text(encoding="utf-8"))


# -- where conversions go and are looked for ----------------------------------------------------
def _store_dir_of_directory(directory: Path, store: Path | None) -> Path:
    """`<store>/<name>-<hash>`: a model directory's place in the store (its parent is read-only)."""
    digest = hashlib.sha1(str(directory.resolve()).encode("utf-8")).hexdigest()[:8]
    return (store or DEFAULT_MODELS_DIR) / f"{directory.name}-{digest}"


def converted_dir(
    name_or_path: str, quantization: str = DEFAULT_QUANTIZATION, store: Path | None = None
) -> Path:
    """Where the CTranslate2 conversion of `name_or_path` goes by default: beside a model directory
    whose parent is writable, else (and for hub ids) in the model store."""
    suffix = ct2_suffix(quantization)
    if is_directory_name(name_or_path):
        directory = Path(name_or_path).expanduser()
        if os.access(directory.parent, os.W_OK):
            return directory.with_name(directory.name + suffix)
        in_store = _store_dir_of_directory(directory, store)
        return in_store.with_name(in_store.name + suffix)
    return (store or DEFAULT_MODELS_DIR) / (store_name(name_or_path) + suffix)


def ct2_candidates(name_or_path: str, store: Path | None = None) -> list[Path]:
    """Directories that may hold a conversion of `name_or_path`, most wanted first."""
    suffixes = [ct2_suffix(), "-ct2"] + [ct2_suffix(q) for q in QUANTIZATIONS if q != DEFAULT_QUANTIZATION]
    if is_directory_name(name_or_path):
        directory = Path(name_or_path).expanduser()
        if is_ct2_model(directory):
            return [directory]
        in_store = _store_dir_of_directory(directory, store)
        return [directory.with_name(directory.name + suffix) for suffix in suffixes] + [
            in_store.with_name(in_store.name + ct2_suffix())
        ]
    found = (store or DEFAULT_MODELS_DIR) / store_name(name_or_path)
    return [found.with_name(found.name + suffix) for suffix in suffixes]


def find_ct2_model(name_or_path: str, store: Path | None = None) -> Path | None:
    """The first existing CTranslate2 conversion of `name_or_path`, or None."""
    return next((p for p in ct2_candidates(name_or_path, store) if is_ct2_model(p)), None)
