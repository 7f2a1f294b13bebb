"""Errors the service reports to people: one clear line each, never a traceback."""


class InputError(ValueError):
    """The input cannot be processed (empty, not Greek, too long…); the message says why."""


class UnavailableError(RuntimeError):
    """A model the request needs is not loaded; the message says why and how to fix it."""


class UsageError(Exception):
    """A command cannot run as given (bad INPUT, OUT in use…): one line, exit status 2."""
