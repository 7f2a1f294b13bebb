"""Errors the service reports to people: one clear line each, never a traceback."""


class InputError(ValueError):
    """The input cannot be processed (empty, not Greek, too long…); the message says why."""


class ServiceBusyError(RuntimeError):
    """Too much work is queued; try again shortly."""


class UnavailableError(RuntimeError):
    """A model the request needs is not loaded; the message says why and how to fix it."""
