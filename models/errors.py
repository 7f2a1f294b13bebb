"""Errors of the model layer."""


class ModelNotAvailableError(RuntimeError):
    """The model's weights are neither on disk nor downloadable; the message says how to get them."""

    def __init__(self, name: str, reason: str, message: str | None = None) -> None:
        self.name = name
        self.reason = reason
        super().__init__(
            message
            or f"Model '{name}' is not available: {reason}. On a connected machine run "
            f"`python scripts/download_models.py --dir model-store --translator {name}` "
            "(or --summarizer), copy the directory over, and set DIGEST_MODELS_DIR to it; "
            "or point DIGEST_TRANSLATOR / DIGEST_SUMMARIZER at a model directory."
        )
