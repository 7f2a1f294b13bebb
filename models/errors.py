"""Errors of the model layer."""


class ModelNotAvailableError(RuntimeError):
    """The model's weights are neither on disk nor downloadable; the message says why. What to do
    about it is the service's one fix line (service.model_slots.fix_line), which knows the role."""

    def __init__(self, name: str, reason: str, message: str | None = None) -> None:
        self.name = name
        self.reason = reason
        super().__init__(message or f"Model '{name}' is not available: {reason}.")
