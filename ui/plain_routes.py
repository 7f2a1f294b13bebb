"""The plain HTTP routes served beside Gradio's, on the same server: the JSON API under /api/v1 and
the LibreTranslate-compatible /translate, /languages and /detect.

launch() hands them to Gradio's FastAPI app as its `routes` (through app_kwargs, the documented way
to configure that app), so they come before every route Gradio adds and take precedence; none of
Gradio's own paths (/, /config, /login, /gradio_api/…) is among them.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from starlette.routing import BaseRoute, Mount

from ui.access import Access
from ui.config import UiSettings
from ui.http_api import PREFIX, build_api
from ui.libretranslate import libretranslate_routes
from ui.model_jobs import ModelJobs


def plain_routes(
    service: Any, ui: UiSettings, jobs: ModelJobs, gradio_app: Callable[[], Any]
) -> list[BaseRoute]:
    """`gradio_app` returns the running Gradio app, whose login cookie the routes accept."""
    access = Access(ui.auth, ui.api_keys, gradio_app)
    return [
        Mount(PREFIX, app=build_api(service, ui, jobs, access)),
        *libretranslate_routes(service, jobs, access),
    ]
