"""The plain JSON API (/api/v1/…) as a program uses it: httpx against a real server on 127.0.0.1
with a tiny random-weight translator. One request, one JSON answer, Greek unescaped; errors as
{"error"} with their status; login, API keys, and the model slots shared with the page."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from service import DigestService, Settings
from tests import test_api
from tests.bad_inputs import ARTICLE
from tests.test_api import client, serve, served
from ui.config import ConfigError, max_request_bytes, parse_api_keys

pytestmark = pytest.mark.slow
# The tiny-translator service and its server, shared with test_api (pytest finds them here).
server, service = test_api.server, test_api.service

JSON_UTF8 = "application/json; charset=utf-8"
KEY = "key-0123456789abcdef"
ACCOUNT = ("editor", "s3cret pass")


@pytest.fixture(scope="module")
def locked() -> Iterator[str]:
    """A server with a login and an API key, and no translator."""
    with served(DigestService(Settings(translator="none")).load(), auth=(ACCOUNT,), api_keys=(KEY,)) as url:
        yield url


def post(url: str, path: str, body: Any, **kwargs: Any) -> httpx.Response:
    return httpx.post(f"{url}api/v1/{path}", json=body, timeout=120, **kwargs)


def assert_error(response: httpx.Response, status: int, needle: str) -> str:
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == JSON_UTF8
    body = response.json()
    message = body["error"]  # the body cap (ui.limits) also says it as FastAPI's "detail"
    assert set(body) == ({"error", "detail"} if status == 413 else {"error"}), body
    assert needle in message and "\n" not in message and "Traceback" not in message, message
    return message


# -- answers --------------------------------------------------------------------------------------
def test_digest_is_the_summarize_json_in_readable_utf8(server: str) -> None:
    response = post(server, "digest", {"text": ARTICLE, "bullets": 2})
    assert response.status_code == 200
    assert response.headers["content-type"] == JSON_UTF8
    digest = response.json()
    # Greek as it is, not \u-escaped (what curl users see).
    assert "\\u03" not in response.text and digest["sentences"][0] in response.content.decode("utf-8")
    _, summarized = client(server).predict(ARTICLE, 2, api_name="/summarize")
    assert set(digest) == set(summarized)
    for key in ("bullets", "sentences", "paragraphs", "models", "warnings", "translation"):
        assert digest[key] == summarized[key], key
    assert len(digest["bullets"]) == 2 and all(b["en"] for b in digest["bullets"])


def test_digest_options(server: str) -> None:
    full = post(server, "digest", {"text": ARTICLE, "bullets": 1, "full_translation": True}).json()
    assert len(full["bullets"]) == 1 and full["translation"].count("\n\n") == 1  # two paragraphs
    forced = post(server, "digest", {"text": ARTICLE, "method": "abstractive"}).json()
    assert any("Abstractive summary requested" in w for w in forced["warnings"])


def test_translate_names_the_model(server: str, tiny_models: dict[str, Path]) -> None:
    response = post(server, "translate", {"text": ARTICLE})
    assert response.status_code == 200 and response.headers["content-type"] == JSON_UTF8
    answer = response.json()
    assert set(answer) == {"translation", "model", "timings"}
    assert answer["model"] == str(tiny_models["translator"])
    assert len(answer["translation"].split("\n\n")) == 2
    assert answer["timings"]["total"] >= 0


def test_status(server: str, tiny_models: dict[str, Path]) -> None:
    response = httpx.get(f"{server}api/v1/status")
    assert response.status_code == 200
    status = response.json()
    assert status["translator"]["state"] == "loaded"
    assert status["translator"]["configured"] == str(tiny_models["translator"])
    assert status["server"] == {"queue_size": 64, "concurrency": 2,
                                "max_request_bytes": max_request_bytes(20_000), "login_required": False}


def test_docs(server: str) -> None:
    docs = httpx.get(f"{server}api/v1/docs")
    assert docs.status_code == 200 and "swagger-ui" in docs.text and "/api/v1/openapi.json" in docs.text
    spec = httpx.get(f"{server}api/v1/openapi.json").json()
    assert set(spec["paths"]) == {"/digest", "/translate", "/status", "/briefing"}
    assert spec["servers"] == [{"url": "/api/v1"}]
    digest = spec["paths"]["/digest"]["post"]
    assert {"200", "400", "401", "413", "429", "503"} <= set(digest["responses"])
    schemas = spec["components"]["schemas"]
    assert set(schemas["DigestRequest"]["properties"]) == {"text", "bullets", "method", "full_translation"}
    assert "Η κυβέρνηση" in json.dumps(schemas["DigestRequest"], ensure_ascii=False)  # a Greek example


# -- errors ---------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("body", "needle"),
    [
        ({"text": ""}, "The article is empty"),
        ({"text": "The prime minister met the president in Paris. " * 3}, "does not look like Greek"),
        ({"text": "Καλημέρα. " * 3000}, "too long"),
        ({"text": ARTICLE, "bullets": "three"}, "bullets: Input should be a valid integer"),
        ({"text": ARTICLE, "method": "magic"},
         "method: Input should be 'auto', 'extractive' or 'abstractive'"),
        ({"text": ARTICLE, "bulets": 3}, "bulets: Extra inputs are not permitted"),
        ({"article": ARTICLE}, "text: Field required"),
        (["not", "an", "object"], "Input should be a valid dictionary"),
    ],
)
def test_bad_input_is_400_with_one_line(server: str, body: Any, needle: str) -> None:
    assert_error(post(server, "digest", body), 400, needle)


def test_malformed_json_and_oversized_body(server: str) -> None:
    as_json = {"content-type": "application/json"}
    bad = httpx.post(f"{server}api/v1/translate", content=b'{"text": "', headers=as_json)
    assert_error(bad, 400, "not valid JSON")
    body = json.dumps({"text": "α" * (max_request_bytes(20_000) // 2 + 10)}, ensure_ascii=False).encode()
    huge = httpx.post(f"{server}api/v1/digest", content=body, headers=as_json)
    assert_error(huge, 413, "too large")
    chunks = iter([body[:65536], body[65536:]])
    in_chunks = httpx.post(f"{server}api/v1/digest", content=chunks, headers=as_json)
    assert "content-length" not in in_chunks.request.headers  # sent chunked: no size known up front
    assert_error(in_chunks, 413, "too large")
    assert_error(httpx.get(f"{server}api/v1/nothing-here"), 404, "Not Found")


def test_unexpected_error_is_500_and_logged(
    server: str, service: DigestService, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    def broken(*args: Any, **kwargs: Any) -> None:
        raise RuntimeError("internal detail /secret/path")

    monkeypatch.setattr(service, "translate", broken)
    message = assert_error(post(server, "translate", {"text": ARTICLE}), 500, "Something went wrong")
    assert "secret" not in message and "internal detail /secret/path" in caplog.text
    monkeypatch.undo()
    assert post(server, "translate", {"text": ARTICLE}).status_code == 200


# -- login and API keys ---------------------------------------------------------------------------
def test_credentials_are_required(locked: str) -> None:
    refused = httpx.get(f"{locked}api/v1/status")
    assert_error(refused, 401, "Authorization: Bearer KEY or HTTP Basic user:password")
    assert "Bearer" in refused.headers["www-authenticate"] and "Basic" in refused.headers["www-authenticate"]
    for headers in ({"Authorization": "Bearer wrong-key-123"}, {"Authorization": "Token " + KEY}):
        assert_error(httpx.get(f"{locked}api/v1/status", headers=headers), 401, "Log in first")
    assert_error(httpx.get(f"{locked}api/v1/status", auth=(ACCOUNT[0], "wrong")), 401, "Log in first")
    assert_error(post(locked, "digest", {"text": ARTICLE}), 401, "Log in first")
    assert httpx.get(f"{locked}api/v1/docs").status_code == 200  # the docs are no secret


def test_api_key_and_basic_login(locked: str) -> None:
    by_key = httpx.get(f"{locked}api/v1/status", headers={"Authorization": f"Bearer {KEY}"})
    assert by_key.status_code == 200 and by_key.json()["server"]["login_required"] is True
    by_login = post(locked, "digest", {"text": ARTICLE, "bullets": 1}, auth=ACCOUNT)
    assert by_login.status_code == 200
    assert "No translator configured" in by_login.json()["warnings"][0]


def test_page_login_cookie(locked: str) -> None:
    with httpx.Client(base_url=locked, timeout=60) as browser:
        assert browser.get("api/v1/status").status_code == 401
        logged_in = browser.post("login", data={"username": ACCOUNT[0], "password": ACCOUNT[1]})
        assert logged_in.status_code == 200
        assert browser.get("api/v1/status").status_code == 200
        same_site = {"Origin": locked.rstrip("/")}
        assert browser.post("api/v1/digest", json={"text": ARTICLE}, headers=same_site).status_code == 200
        # Another site's page posting with the user's cookie is not the user.
        other_site = {"Origin": "https://evil.example"}
        assert_error(browser.post("api/v1/digest", json={"text": ARTICLE}, headers=other_site), 401, "Log in")


def test_missing_translator_is_503_with_the_reason(locked: str) -> None:
    response = post(locked, "translate", {"text": ARTICLE}, headers={"Authorization": f"Bearer {KEY}"})
    assert_error(response, 503, "No translator configured")


def test_parse_api_keys(tmp_path: Path) -> None:
    keys = tmp_path / "keys"
    keys.write_text("# programs\nkey-aaaaaaaa\n\nkey-bbbbbbbb\n", encoding="utf-8")
    assert parse_api_keys(" key-11111111 , key-22222222,", keys) == (
        "key-11111111", "key-22222222", "key-aaaaaaaa", "key-bbbbbbbb")
    with pytest.raises(ConfigError, match="at least 8 characters"):
        parse_api_keys("short")
    with pytest.raises(ConfigError, match="cannot read DIGEST_API_KEYS_FILE"):
        parse_api_keys(None, tmp_path / "missing")


# -- one limit on model work, shared with the page ----------------------------------------------
def wait_until(condition: Any, what: str, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"gave up waiting for {what}")
        time.sleep(0.05)


def test_model_slots_are_shared_with_the_page(monkeypatch: pytest.MonkeyPatch) -> None:
    """concurrency 1, queue 1: while a page job runs, plain requests wait (two at most), the next
    gets 429 — on the JSON API and, as "Slowdown", on the LibreTranslate route."""
    service = DigestService(Settings(translator="none")).load()
    demo, url = serve(service, concurrency=1, queue_size=1)
    release, started = threading.Event(), []
    real_digest = service.digest

    def held_digest(*args: Any, **kwargs: Any) -> Any:
        started.append(args[0])
        release.wait(60)
        return real_digest(*args, **kwargs)

    monkeypatch.setattr(service, "digest", held_digest)
    try:
        page_job = client(url).submit(ARTICLE, 1, api_name="/summarize")
        wait_until(lambda: len(started) == 1, "the page's job to start")
        answers: list[httpx.Response] = []
        waiting = [threading.Thread(target=lambda: answers.append(post(url, "digest", {"text": ARTICLE})))
                   for _ in range(2)]
        for thread in waiting:
            thread.start()
        wait_until(lambda: demo.model_jobs.admitted == 2, "two plain requests to wait")
        assert len(started) == 1  # they wait for the page's job: the slot is shared

        busy = post(url, "digest", {"text": ARTICLE})
        assert_error(busy, 429, "The server is busy")
        assert busy.headers["retry-after"] == "5"
        slow_down = httpx.post(f"{url}translate", data={"q": ARTICLE, "source": "el", "target": "en"})
        assert_error(slow_down, 429, "Slowdown: The server is busy")

        release.set()
        for thread in waiting:
            thread.join(60)
        assert [a.status_code for a in answers] == [200, 200]
        assert len(page_job.result()[1]["bullets"]) == 1 and len(started) == 3
    finally:
        release.set()
        demo.close()
