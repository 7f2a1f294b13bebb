"""The LibreTranslate-compatible routes as LibreTranslate clients call them: the `libretranslatepy`
client from PyPI (form-encoded bodies) and JSON bodies with httpx, against a real server on
127.0.0.1 with a tiny random-weight translator."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any
from urllib.error import HTTPError

import httpx
import pytest
from libretranslatepy import LibreTranslateAPI

from service import DigestService
from tests import test_api
from tests.bad_inputs import ARTICLE, GREEK_SENTENCE
from tests.test_api import served

pytestmark = pytest.mark.slow
# The tiny-translator service and its server, shared with test_api (pytest finds them here).
server, service = test_api.server, test_api.service

KEY = "key-0123456789abcdef"
ENGLISH = "The prime minister met the French president in Paris today. " * 3


@pytest.fixture(scope="module")
def keyed(service: DigestService) -> Iterator[str]:
    with served(service, api_keys=(KEY,)) as url:
        yield url


def translate(url: str, **body: Any) -> httpx.Response:
    return httpx.post(f"{url}translate", json=body, timeout=120)


def refused(response: httpx.Response, status: int) -> str:
    """LibreTranslate's error shape: {"error": "…"} with its status code."""
    assert response.status_code == status, response.text
    body = response.json()
    assert set(body) == {"error"} and "\n" not in body["error"]
    return body["error"]


def http_error(call: Any) -> tuple[int, str]:
    """The status and error message of a call the client raises HTTPError for."""
    with pytest.raises(HTTPError) as caught:
        call()
    return caught.value.code, json.loads(caught.value.read().decode("utf-8"))["error"]


# -- the libretranslatepy client (form-encoded) ---------------------------------------------------
def test_client_translates_detects_and_lists(server: str) -> None:
    lt = LibreTranslateAPI(server)
    english = lt.translate(ARTICLE, "el", "en", timeout=120)
    assert isinstance(english, str) and english.strip() and english.count("\n\n") == 1  # paragraphs kept
    assert lt.translate(ARTICLE, "auto", "en", timeout=120) == english
    assert lt.detect(ARTICLE) == [{"confidence": 100.0, "language": "el"}]
    assert lt.detect(ENGLISH) == [{"confidence": 0.0, "language": "en"}]  # LibreTranslate's "nothing found"
    assert lt.languages() == [
        {"code": "el", "name": "Greek", "targets": ["en"]},
        {"code": "en", "name": "English", "targets": []},
    ]


def test_client_gets_errors_as_http_errors(server: str) -> None:
    lt = LibreTranslateAPI(server)
    code, body = http_error(lambda: lt.translate(ARTICLE, "el", "de"))
    assert (code, body) == (400, "de is not supported")
    code, body = http_error(lambda: lt.translate(ARTICLE, "en", "el"))
    assert (code, body) == (400, "Greek (el) is not available as a target language from English (en)")
    code, body = http_error(lambda: lt.translate(ENGLISH, "el", "en"))
    assert code == 400 and "does not look like Greek" in body


def test_api_key(keyed: str) -> None:
    english = LibreTranslateAPI(keyed, api_key=KEY).translate(ARTICLE, "el", "en", timeout=120)
    assert english.strip()
    wrong_key = LibreTranslateAPI(keyed, api_key="wrong-key-123")
    code, body = http_error(lambda: wrong_key.translate(ARTICLE, "el", "en"))
    assert (code, body) == (403, "Invalid API key")
    code, body = http_error(lambda: LibreTranslateAPI(keyed).detect(ARTICLE))
    assert (code, body) == (400, "Please contact the server operator to get an API key")
    assert LibreTranslateAPI(keyed).languages()[0]["code"] == "el"  # open, as in LibreTranslate
    as_json = translate(keyed, q=GREEK_SENTENCE + " " + GREEK_SENTENCE, source="el", target="en", api_key=KEY)
    assert as_json.status_code == 200
    bearer = httpx.post(f"{keyed}detect", data={"q": ARTICLE}, headers={"Authorization": f"Bearer {KEY}"})
    assert bearer.json() == [{"confidence": 100.0, "language": "el"}]


# -- JSON bodies ---------------------------------------------------------------------------------
def test_json_single_and_list(server: str) -> None:
    one = translate(server, q=ARTICLE, source="el", target="en")
    assert one.status_code == 200 and one.headers["content-type"] == "application/json; charset=utf-8"
    assert set(one.json()) == {"translatedText"} and one.json()["translatedText"].strip()

    many = translate(server, q=[ARTICLE, "", GREEK_SENTENCE * 2], source="auto", target="en", format="text")
    answer = many.json()
    assert len(answer["translatedText"]) == 3 and answer["translatedText"][1] == ""  # blanks kept
    assert answer["translatedText"][0] == one.json()["translatedText"]
    assert answer["detectedLanguage"] == [{"confidence": 100.0, "language": "el"}] * 3

    auto = translate(server, q=ARTICLE, source="auto", target="en").json()
    assert auto["detectedLanguage"] == {"confidence": 100.0, "language": "el"}


def test_html_format(server: str) -> None:
    markup = (f"<html><body><h1>Τίτλος</h1><p>{GREEK_SENTENCE}</p>"
              f"<p>{GREEK_SENTENCE} &amp; άλλα.</p></body></html>")
    text = translate(server, q=markup, source="el", target="en", format="html").json()["translatedText"]
    paragraphs = text.split("\n")
    assert paragraphs and all(p.startswith("<p>") and p.endswith("</p>") for p in paragraphs)


@pytest.mark.parametrize(
    ("body", "status", "message"),
    [
        ({"source": "el", "target": "en"}, 400, "Invalid request: missing q parameter"),
        ({"q": ARTICLE, "target": "en"}, 400, "Invalid request: missing source parameter"),
        ({"q": ARTICLE, "source": "el"}, 400, "Invalid request: missing target parameter"),
        ({"q": [ARTICLE, 3], "source": "el", "target": "en"}, 400,
         "Invalid request: q must be a string or a list of strings"),
        ({"q": ARTICLE, "source": "fr", "target": "en"}, 400, "fr is not supported"),
        ({"q": ARTICLE, "source": "el", "target": "el"}, 400,
         "Greek (el) is not available as a target language from Greek (el)"),
        ({"q": ENGLISH, "source": "auto", "target": "en"}, 400,
         "English (en) is not available as a target language from English (en)"),
        ({"q": ARTICLE, "source": "el", "target": "en", "format": "xml"}, 400, "xml format is not supported"),
        ({"q": "Καλημέρα. " * 2500, "source": "el", "target": "en"}, 400,
         "Invalid request: request (25000) exceeds text limit (20000)"),
        ({"q": [ARTICLE, ENGLISH], "source": "el", "target": "en"}, 400,
         "q[1]: The text does not look like Greek"),
    ],
)
def test_json_errors(server: str, body: dict[str, Any], status: int, message: str) -> None:
    assert refused(translate(server, **body), status).startswith(message)


def test_malformed_bodies(server: str) -> None:
    for content in (b'{"q": ', b'["a list"]'):
        response = httpx.post(f"{server}translate", content=content,
                              headers={"content-type": "application/json"})
        assert refused(response, 400) == "Invalid JSON format"
    assert refused(httpx.post(f"{server}detect", data={}), 400) == "Invalid request: missing q parameter"
    huge = json.dumps({"q": "α" * 5_000_000, "source": "el", "target": "en"}, ensure_ascii=False).encode()
    in_chunks = httpx.post(f"{server}translate", content=iter([huge[:65536], huge[65536:]]),
                           headers={"content-type": "application/json"})
    assert in_chunks.status_code == 413 and "too large" in in_chunks.json()["error"]


def test_gradio_is_unaffected(server: str) -> None:
    """Our routes sit in front of Gradio's without taking any of its paths."""
    assert httpx.get(server).status_code == 200
    assert httpx.get(f"{server}gradio_api/info").json()["named_endpoints"].keys() >= {"/translate"}
    assert httpx.get(f"{server}translate").status_code == 405  # POST only, as in LibreTranslate


def test_raw_utf8_form_body(server: str) -> None:
    """`curl -d 'q=Η Βουλή…'` sends the Greek as raw UTF-8, not percent-encoded: read it as UTF-8."""
    body = f"q={ARTICLE}&source=el&target=en".encode()
    answer = httpx.post(f"{server}translate", content=body,
                        headers={"Content-Type": "application/x-www-form-urlencoded"})
    assert answer.status_code == 200, answer.text
    assert answer.json()["translatedText"]
    detected = httpx.post(f"{server}detect", content=f"q={ARTICLE}".encode(),
                          headers={"Content-Type": "application/x-www-form-urlencoded"})
    assert detected.status_code == 200 and detected.json()[0]["language"] == "el", detected.text
