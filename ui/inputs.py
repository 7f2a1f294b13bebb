"""Inputs of the public API whose checks belong to the endpoint, not to Gradio.

Gradio's own preprocessing turns `[1]` into the string "[1]", or fails on "abc" with an opaque
"upstream Gradio app has raised an exception"; an input made `raw` hands the JSON value on as sent,
so the endpoint (service.config.check_bullets, service.text.parse_article) says in one line what is
wrong. It also gives the "Use via API" page a Greek example and the endpoint docstring's words.

Instance attributes, not a subclass: Gradio writes a .pyi file beside any module that subclasses
a component, and draws a subclass as a custom component.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

import gradio as gr

C = TypeVar("C", bound=gr.components.Component)

SAMPLE_ARTICLE = (
    "Η κυβέρνηση ανακοίνωσε νέα μέτρα στήριξης για τα νοικοκυριά. "
    "Η Βουλή ψήφισε το νομοσχέδιο για την παιδεία με μεγάλη πλειοψηφία."
)


def raw(component: C, endpoint: Callable[..., Any], parameter: str, example: Any) -> C:
    """`component` as an API input: value passed on unchecked, documented from `endpoint`'s docstring
    (its `parameter` in "Args:"), with `example` on the API page."""
    from gradio.utils import get_function_description

    description = get_function_description(endpoint)[1].get(parameter, "")
    info = {**component.api_info(), "additional_description": description}
    component.preprocess = lambda payload: payload  # type: ignore[method-assign]
    component.api_info = lambda: info  # type: ignore[method-assign]
    component.example_payload = lambda: example  # type: ignore[method-assign]
    component.example_value = lambda: example  # type: ignore[method-assign]
    return component
