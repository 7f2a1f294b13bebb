"""Loading and running seq2seq text models (translation, summarisation); nothing about articles."""

from models.base import ModelInfo, Seq2SeqModel, split_to_fit
from models.errors import ModelNotAvailableError
from models.loader import BACKENDS, load_seq2seq
from models.locate import locate_model
from models.store import DEFAULT_MODELS_DIR

__all__ = [
    "BACKENDS",
    "DEFAULT_MODELS_DIR",
    "ModelInfo",
    "ModelNotAvailableError",
    "Seq2SeqModel",
    "load_seq2seq",
    "locate_model",
    "split_to_fit",
]
