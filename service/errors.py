"""Errors the service reports to people: one clear line each, never a traceback; and the one
mapping from those errors to a command's exit status, shared by every command-line entry point."""

from __future__ import annotations

import logging
import sys
from collections.abc import Callable

from models.errors import ModelNotAvailableError

USAGE, UNAVAILABLE, INTERRUPTED = 2, 3, 130  # exit statuses: bad input or setting, missing model, Ctrl-C


class InputError(ValueError):
    """The input cannot be processed (empty, not Greek, too long…); the message says why."""


class UnavailableError(RuntimeError):
    """A model the request needs is not loaded; the message says why and how to fix it."""


def missing_package(exc: ImportError) -> str:
    """One line for a Python package that is not installed (not the model's fault)."""
    name = (exc.name or str(exc)).split(".")[0]
    return (f"package {name} missing: run make setup (or .venv/bin/pip install -e .) and use "
            ".venv/bin/python")


class UsageError(Exception):
    """A command cannot run as given (bad INPUT, OUT in use…): one line, exit status 2."""


def error_line(exc: BaseException) -> str:
    """One line for the person: an OSError as 'reason: file', anything else as its message."""
    if isinstance(exc, OSError) and exc.strerror:
        return f"{exc.strerror}: {exc.filename or ''}".rstrip(": ")
    return str(exc).splitlines()[0] if str(exc) else type(exc).__name__


def failure_line(what: str, exc: BaseException) -> str:
    """One line for an unexpected failure of one batch record (or story): "digest failed: …"."""
    return f"{what} failed: {type(exc).__name__}: {exc}".splitlines()[0]


def run_command(work: Callable[[], int | None], *, interrupted: str | None = None) -> int:
    """Run a command's work and turn the errors people can act on into one stderr line and an exit
    status: 2 for unusable input, a bad setting or a file problem, 3 for a missing model, 130 for
    Ctrl-C (after printing `interrupted`). Anything else is a bug and keeps its traceback."""
    _show_model_notes()
    try:
        return work() or 0
    except KeyboardInterrupt:
        if interrupted:
            print(interrupted, file=sys.stderr)
        return INTERRUPTED
    except (UnavailableError, ModelNotAvailableError) as exc:
        print(f"error: {error_line(exc)}", file=sys.stderr)
        return UNAVAILABLE
    except ImportError as exc:  # run outside the project's venv: the package, not the model
        print(f"error: {missing_package(exc)}", file=sys.stderr)
        return USAGE
    except (UsageError, ValueError, OSError) as exc:
        print(f"error: {error_line(exc)}", file=sys.stderr)
        return USAGE


def _show_model_notes() -> None:
    """The model layer's notes (a first-start conversion takes seconds: say so) on stderr, once,
    unless the program set up logging itself (the web app does)."""
    models_log = logging.getLogger("models")
    if not models_log.handlers and not logging.getLogger().handlers:
        handler = logging.StreamHandler(sys.stderr)
        handler.setFormatter(logging.Formatter("note: %(message)s"))
        models_log.addHandler(handler)
        models_log.setLevel(logging.INFO)
