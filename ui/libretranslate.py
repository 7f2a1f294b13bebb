"""LibreTranslate-compatible routes, so programs that speak its API can use this service for Greek→English.

POST /translate  q (string or list), source (el or auto), target (en), format (text|html), api_key
                 → {"translatedText": …} (a list for a list), plus "detectedLanguage" for source=auto
POST /detect     q → [{"confidence": 0-100, "language": …}]
GET  /languages  → [{"code", "name", "targets"}]

Request bodies, answers, error texts and status codes follow LibreTranslate's own server
(libretranslate/app.py): JSON when the Content-Type says so, else form fields (and the query
string); errors are {"error": "…"}: 400 bad request or unsupported language pair, 403 invalid API
key, 429 "Slowdown: …", 500. Ours add 503 when no translator is loaded (the message says how to fix
it) and 413 when the body is over the server's cap. The only pair is Greek→English; detection only
tells Greek from not-Greek (the latter answers LibreTranslate's "nothing detected": en, confidence 0).
"""

from __future__ import annotations

import html
import logging
from collections.abc import Awaitable, Callable
from typing import Any
from urllib.parse import parse_qsl

from fastapi import APIRouter, Request
from starlette.requests import ClientDisconnect
from starlette.routing import BaseRoute

from service import InputError
from service.text import MIN_GREEK_SHARE, greek_share
from ui.access import Access, Verdict
from ui.http_api import ApiError, Utf8JSON, error_response, service_error
from ui.model_jobs import ModelJobs

log = logging.getLogger("ui.libretranslate")

LANGUAGES = {"el": "Greek", "en": "English"}
PAIRS = {("el", "en")}
FORMATS = ("text", "html")


async def read_fields(request: Request) -> dict[str, Any]:
    """The request's parameters: the JSON object when the body is JSON, else query and form fields."""
    content_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if content_type == "application/json" or content_type.endswith("+json"):
        try:
            data = await request.json()
        except ValueError:
            data = None
        if not isinstance(data, dict):
            raise ApiError(400, "Invalid JSON format")
        return data
    fields: dict[str, Any] = dict(request.query_params)
    if content_type == "application/x-www-form-urlencoded":
        # Read as UTF-8, as Flask does: `curl -d 'q=Η Βουλή…'` sends the Greek unencoded, and
        # Starlette's form parser would read those bytes as Latin-1.
        body = (await request.body()).decode("utf-8", errors="replace")
        form = parse_qsl(body, keep_blank_values=True)
    else:
        form = (await request.form()).multi_items()
    for name, value in form:
        fields.setdefault(name, value)  # the first value of a repeated field, as Flask's .get gives
    return fields


def check_access(access: Access, request: Request, fields: dict[str, Any]) -> None:
    key = fields.get("api_key")
    verdict = access.check(request, api_key=key if isinstance(key, str) else None)
    if verdict is Verdict.INVALID:
        raise ApiError(403, "Invalid API key")
    if verdict is Verdict.MISSING:
        raise ApiError(400, "Please contact the server operator to get an API key")


def detect(text: str) -> dict[str, Any]:
    """{"confidence", "language"}: Greek with the share of Greek letters as confidence, or
    LibreTranslate's answer when it detects nothing (en, 0) for anything else."""
    greek, share = greek_share(text)
    if greek and share >= MIN_GREEK_SHARE:
        return {"confidence": round(share * 100, 1), "language": "el"}
    return {"confidence": 0.0, "language": "en"}


def texts_of(q: Any) -> list[str]:
    if isinstance(q, str):
        return [q]
    if isinstance(q, list) and q and all(isinstance(t, str) for t in q):
        return q
    raise ApiError(400, "Invalid request: q must be a string or a list of strings")


def language_pair(source: str, target: str) -> None:
    for code in (source, target):
        if code not in LANGUAGES:
            raise ApiError(400, f"{code} is not supported")
    if (source, target) not in PAIRS:
        raise ApiError(
            400,
            f"{LANGUAGES[target]} ({target}) is not available as a target language from "
            f"{LANGUAGES[source]} ({source})",
        )


def as_html(paragraphs: list[str]) -> str:
    """format=html: the service reads the markup as an article, so the answer is its paragraphs."""
    return "\n".join(f"<p>{html.escape(p)}</p>" for p in paragraphs)


def libretranslate_routes(service: Any, jobs: ModelJobs, access: Access) -> list[BaseRoute]:
    router = APIRouter()
    max_chars = service.settings.max_chars

    def translate_all(texts: list[str], text_format: str) -> list[str]:
        """The texts' English from one generate() call (the batch path); blank items stay as they are."""
        wanted = [number for number, text in enumerate(texts) if text.strip()]
        articles = []
        for number in wanted:
            try:
                articles.append(service.parse(texts[number]))
            except InputError as exc:
                raise InputError(f"q[{number}]: {exc}" if len(texts) > 1 else str(exc)) from None
        english = list(texts)
        for number, translation in zip(wanted, service.translate_articles(articles) if articles else [],
                                       strict=True):
            english[number] = as_html(translation.paragraphs) if text_format == "html" else translation.text
        return english

    async def answer(request: Request, work: Callable[[dict[str, Any]], Awaitable[Any]]) -> Utf8JSON:
        """Run `work(fields)`; any refusal or service error becomes LibreTranslate's error shape."""
        try:
            fields = await read_fields(request)
            check_access(access, request, fields)
            return Utf8JSON(await work(fields))
        except ApiError as refusal:
            return error_response(refusal.status, refusal.message, refusal.headers)
        except ClientDisconnect:  # gone, or cut off by the body cap (ui.limits), which has answered 413
            return error_response(400, "The request body did not arrive in full.")
        except Exception as exc:
            status, message, headers = service_error(exc)
            if status == 429:
                message = f"Slowdown: {message}"
            elif status == 500:
                log.exception("unexpected error in %s", request.url.path)
                message = "Cannot translate text: something went wrong; the details are in the server log."
            return error_response(status, message, headers)

    async def translate_fields(fields: dict[str, Any]) -> dict[str, Any]:
        q, source, target = fields.get("q"), fields.get("source"), fields.get("target")
        for name, value in (("q", q), ("source", source), ("target", target)):
            if not value:
                raise ApiError(400, f"Invalid request: missing {name} parameter")
        texts = texts_of(q)
        size = sum(len(t) for t in texts)
        if size > max_chars:
            raise ApiError(400, f"Invalid request: request ({size}) exceeds text limit ({max_chars})")
        source, target = str(source).strip().lower(), str(target).strip().lower()
        detected = detect("\n".join(texts)) if source == "auto" else None
        language_pair(detected["language"] if detected else source, target)
        text_format = fields.get("format") or "text"
        if text_format not in FORMATS:
            raise ApiError(400, f"{text_format} format is not supported")

        english = await jobs.run(translate_all, texts, text_format)
        result: dict[str, Any] = {"translatedText": english if isinstance(q, list) else english[0]}
        if detected:
            result["detectedLanguage"] = [detected] * len(texts) if isinstance(q, list) else detected
        return result

    async def detect_fields(fields: dict[str, Any]) -> list[dict[str, Any]]:
        q = fields.get("q")
        if not q:
            raise ApiError(400, "Invalid request: missing q parameter")
        return [detect("\n".join(texts_of(q)))]

    @router.post("/translate", include_in_schema=False)
    async def translate(request: Request) -> Utf8JSON:
        return await answer(request, translate_fields)

    @router.post("/detect", include_in_schema=False)
    async def detect_language(request: Request) -> Utf8JSON:
        return await answer(request, detect_fields)

    @router.get("/languages", include_in_schema=False)
    async def languages() -> Utf8JSON:
        # Open, as in LibreTranslate: it tells nothing about the articles or the models.
        return Utf8JSON([
            {"code": code, "name": name, "targets": sorted(t for s, t in PAIRS if s == code)}
            for code, name in LANGUAGES.items()
        ])

    return list(router.routes)
