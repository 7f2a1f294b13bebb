"""The plain JSON API beside Gradio's: one request, one JSON answer, Greek as readable UTF-8.

POST /api/v1/digest     {text, bullets?, method?, full_translation?} → the digest JSON (as /summarize)
POST /api/v1/briefing   {articles: [text, …], bullets?} → the briefing JSON (as /briefing)
POST /api/v1/translate  {text} → {translation, model, timings}
GET  /api/v1/status     → models, limits and server settings (as /status)
GET  /api/v1/docs       → OpenAPI docs (Swagger UI; its script comes from a CDN)

It calls the same DigestService as the page, under the same limits: DIGEST_MAX_CHARS and the request
body cap (ui.limits), the model slots shared with the page's queue (ui.model_jobs), the page's login
and API keys (ui.access). Errors are {"error": "one line"} with 400 (bad input), 401 (credentials),
413 (body too large), 429 (busy; Retry-After), 503 (translator missing, with the fix) or 500.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from typing import Any, Literal

import anyio.to_thread
from fastapi import Depends, FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.security import HTTPBearer
from fastapi.security.http import HTTPBase
from pydantic import BaseModel, ConfigDict, Field
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.responses import JSONResponse

from service import MAX_BRIEFING_ARTICLES, Briefing, Digest, InputError, UnavailableError
from ui.access import Access, Verdict
from ui.config import UiSettings
from ui.model_jobs import ModelJobs, ServerBusyError

log = logging.getLogger("ui.http_api")

PREFIX = "/api/v1"
RETRY_AFTER_SECONDS = 5
SAMPLE = (
    "Η κυβέρνηση ανακοίνωσε νέα μέτρα στήριξης για τα νοικοκυριά. "
    "Η Βουλή ψήφισε το νομοσχέδιο για την παιδεία."
)


class Utf8JSON(JSONResponse):
    """JSON with Greek as it is (Starlette writes ensure_ascii=False), the charset said, a final newline."""

    media_type = "application/json; charset=utf-8"

    def render(self, content: Any) -> bytes:
        return super().render(content) + b"\n"  # so curl's output ends its line


class ApiError(Exception):
    def __init__(self, status: int, message: str, headers: dict[str, str] | None = None) -> None:
        super().__init__(message)
        self.status, self.message, self.headers = status, message, headers


def error_response(status: int, message: str, headers: dict[str, str] | None = None) -> Utf8JSON:
    return Utf8JSON({"error": message}, status_code=status, headers=headers)


def service_error(exc: Exception) -> tuple[int, str, dict[str, str] | None]:
    """(status, one-line message, headers) for what the service raises; the LibreTranslate routes share it."""
    if isinstance(exc, InputError):
        return 400, str(exc), None
    if isinstance(exc, UnavailableError):
        return 503, str(exc), None
    if isinstance(exc, ServerBusyError):
        return 429, str(exc), {"Retry-After": str(RETRY_AFTER_SECONDS)}
    return 500, "Something went wrong; the details are in the server log. Please try again.", None


class DigestRequest(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)

    text: str = Field(description="The Greek article, plain text or pasted HTML.", examples=[SAMPLE])
    bullets: int | None = Field(
        None, description="How many key points (the page's limit applies); default: DIGEST_BULLETS.",
        examples=[2],
    )
    method: Literal["auto", "extractive", "abstractive"] = Field(
        "auto", description="auto: abstractive when DIGEST_SUMMARIZER is set, else extractive."
    )
    full_translation: bool = Field(False, description="Also translate the whole article.")


class BriefingRequest(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)

    articles: list[str] = Field(
        description=f"One to {MAX_BRIEFING_ARTICLES} Greek articles on the same story, plain text or HTML.",
        examples=[[SAMPLE, "Η Βουλή ψήφισε χθες το νομοσχέδιο για την παιδεία με ευρεία πλειοψηφία."]],
    )
    bullets: int | None = Field(None, description="How many points; default: DIGEST_BULLETS.", examples=[3])


class TranslateRequest(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)

    text: str = Field(description="The Greek article, plain text or pasted HTML.", examples=[SAMPLE])


class TranslateAnswer(BaseModel):
    translation: str = Field(description="The English text, paragraphs separated by a blank line.")
    model: str = Field(description="The translator that made it.")
    timings: dict[str, float] = Field(description="Seconds; total leaves out model loading.")


class ErrorAnswer(BaseModel):
    error: str


ERRORS: dict[int | str, dict[str, Any]] = {
    code: {"model": ErrorAnswer, "description": what}
    for code, what in [
        (400, "Bad input (empty, not Greek, too long, malformed JSON)"),
        (401, "Credentials missing or wrong (when DIGEST_AUTH or DIGEST_API_KEYS is set)"),
        (413, "Request body over the server's cap"),
        (429, "All model slots busy and the line full: retry after Retry-After seconds"),
        (503, "No translator loaded: the message says how to fix it"),
    ]
}


def _validation_message(exc: RequestValidationError) -> str:
    """The first problem, in one line: "bullets: Input should be a valid integer"."""
    first = exc.errors()[0] if exc.errors() else {"msg": "invalid request", "loc": ()}
    where = ".".join(str(part) for part in first.get("loc", ()) if part != "body")
    if first.get("type") == "json_invalid":
        return "The body is not valid JSON: send {\"text\": \"…\"} with Content-Type: application/json."
    return f"{where}: {first['msg']}" if where else str(first["msg"])


def build_api(service: Any, ui: UiSettings, jobs: ModelJobs, access: Access) -> FastAPI:
    """The FastAPI app to mount at PREFIX; `service` is the process's DigestService."""
    app = FastAPI(
        title="Greek news digest: plain JSON API",
        version="1",
        description=__doc__,
        docs_url="/docs",
        redoc_url=None,
        openapi_url="/openapi.json",
        default_response_class=Utf8JSON,
    )

    @app.exception_handler(ApiError)
    async def api_error(_: Request, exc: ApiError) -> Utf8JSON:
        return error_response(exc.status, exc.message, exc.headers)

    @app.exception_handler(RequestValidationError)
    async def bad_request(_: Request, exc: RequestValidationError) -> Utf8JSON:
        return error_response(400, _validation_message(exc))

    @app.exception_handler(StarletteHTTPException)
    async def http_error(_: Request, exc: StarletteHTTPException) -> Utf8JSON:
        return error_response(exc.status_code, str(exc.detail), getattr(exc, "headers", None))

    # Declared for the docs' "Authorize" button; Access makes the decision.
    documented = [Depends(HTTPBearer(auto_error=False)), Depends(HTTPBase(scheme="basic", auto_error=False))]

    async def allowed(request: Request) -> None:
        if access.check(request) is not Verdict.ALLOWED:
            how = " or ".join(
                w for w, on in (("Authorization: Bearer KEY", access.api_keys),
                                ("HTTP Basic user:password", access.accounts)) if on
            )
            raise ApiError(401, f"Log in first: send {how}.", {"WWW-Authenticate": access.challenge()})

    guards = [*documented, Depends(allowed)]

    async def run(fn: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
        try:
            return await jobs.run(fn, *args, **kwargs)
        except Exception as exc:
            status, message, headers = service_error(exc)
            if status == 500:
                log.exception("unexpected error in %s", fn.__name__)
            raise ApiError(status, message, headers) from None

    @app.post("/digest", dependencies=guards, responses={200: {"model": Digest}, **ERRORS})
    async def digest(body: DigestRequest) -> Utf8JSON:
        """Key points of a Greek news article as Greek bullets with English translations: exactly
        the JSON the page's /summarize returns (bullets [{el, en, sources}], sentences, models,
        timings, warnings, translation, paragraphs)."""
        result = await run(
            service.digest, body.text, bullets=body.bullets, method=body.method,
            full_translation=body.full_translation,
        )
        return Utf8JSON(result.to_dict())

    @app.post("/briefing", dependencies=guards, responses={200: {"model": Briefing}, **ERRORS})
    async def briefing(body: BriefingRequest) -> Utf8JSON:
        """Several Greek articles on one story → one bilingual briefing: points [{el, en, sources
        [{article, sentence}], reported_by, note ("only in article 2"), disagreements, checks}], the
        articles (label, sentences), timings and warnings; exactly the JSON of the page's /briefing."""
        result = await run(service.briefing, body.articles, bullets=body.bullets)
        return Utf8JSON(result.to_dict())

    @app.post("/translate", dependencies=guards, response_model=TranslateAnswer, responses=ERRORS)
    async def translate(body: TranslateRequest) -> Utf8JSON:
        """A whole Greek article in English, paragraphs kept, with the model that translated it."""
        def timed(text: str) -> tuple[Any, float]:
            # Timed in the job: the wait for a model slot is not the translation's time, and
            # the models were loaded at start-up.
            started = time.perf_counter()
            return service.translate(text), time.perf_counter() - started

        result, seconds = await run(timed, body.text)
        return Utf8JSON({"translation": result.text, "model": service.translator.name,
                         "timings": {"total": round(seconds, 4)}})

    @app.get("/status", dependencies=guards, responses={401: ERRORS[401]})
    async def status() -> Utf8JSON:
        """Which translator and summariser are configured and loaded (with the fix when one is
        missing), the backend, the limits and the server's settings."""
        status = await anyio.to_thread.run_sync(service.status)  # may measure model folders once
        return Utf8JSON({**status.to_dict(), "server": ui.server_status(service.settings)})

    return app

