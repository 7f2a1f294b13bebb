"""The API as other programs meet it (issues 14 and 15), over HTTP against a real server:
bad inputs get a one-line reason, one bullet limit and a warning when fewer come back, /translate
names its model, and the page's private steps render only what the server made, within bounds."""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from gradio_client import Client

from service import DigestService
from service.config import MAX_BULLETS, Settings
from tests.bad_inputs import ARTICLE
from tests.conftest import EXAMPLES
from tests.test_api import call, client, serve
from ui.app import RENDER_JOBS
from ui.sessions import SessionResults

pytestmark = pytest.mark.slow

NINE_SENTENCES = (EXAMPLES / "el-news-putin-kim-call.txt").read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def served(tiny_models: dict[str, Path]) -> Iterator[tuple[Any, str]]:
    settings = Settings(translator=str(tiny_models["translator"]), num_beams=1, convert=False)
    service = DigestService(settings).load()
    demo, url = serve(service)
    try:
        yield demo, url
    finally:
        demo.close()


@pytest.fixture(scope="module")
def api(served: tuple[Any, str]) -> Client:
    return client(served[1])


def raw_call(url: str, endpoint: str, body: str) -> tuple[str, Any]:
    """Like test_api.call, with the JSON body written by hand (NaN, lone surrogates)."""
    with httpx.Client(base_url=url, timeout=120) as http:
        posted = http.post(f"gradio_api/call/{endpoint}", content=body.encode(),
                           headers={"content-type": "application/json"})
        posted.raise_for_status()
        stream = http.get(f"gradio_api/call/{endpoint}/{posted.json()['event_id']}").text
    event, payload = [b for b in stream.split("\n\n") if b.startswith("event:")][-1].split("\n", 1)
    return event.removeprefix("event: "), json.loads(payload.removeprefix("data: "))


def queue_call(url: str, fn_index: int, data: list[Any], session: str) -> dict[str, Any]:
    """Any function of the app, by index, the way the page calls it: join the queue, read the stream."""
    with httpx.Client(base_url=url, timeout=120) as http:
        joined = http.post("gradio_api/queue/join", json={
            "data": data, "fn_index": fn_index, "session_hash": session, "event_data": None,
        })
        joined.raise_for_status()
        with http.stream("GET", "gradio_api/queue/data", params={"session_hash": session}) as stream:
            for line in stream.iter_lines():
                if line.startswith("data:"):
                    message = json.loads(line.removeprefix("data:"))
                    if message.get("msg") == "process_completed":
                        return message
    raise AssertionError("the stream ended without a result")


def fn_index(demo: Any, name: str) -> int:
    return next(i for i, fn in demo.fns.items() if fn.name == name)


# -- issue 15.5: validated at the API boundary, one line, never "show_error" ----------------------------
BAD_BODIES = {
    "bullets-string": (json.dumps({"data": [ARTICLE, "5"]}), "got a string"),
    "bullets-null": (json.dumps({"data": [ARTICLE, None]}), "got nothing"),
    "bullets-list": (json.dumps({"data": [ARTICLE, [1]]}), "got a list"),
    "bullets-abc": (json.dumps({"data": [ARTICLE, "abc"]}), "got a string"),
    "bullets-nan": (json.dumps({"data": [ARTICLE, "NAN"]}).replace('"NAN"', "NaN"), "got nan"),
    "bullets-zero": (json.dumps({"data": [ARTICLE, 0]}), "from 1 to 10, got 0"),
    "bullets-fifteen": (json.dumps({"data": [ARTICLE, 15]}), "from 1 to 10, got 15"),
    "article-list": (json.dumps({"data": [[ARTICLE], 3]}), "must be text (a string), not list"),
    "article-dict": (json.dumps({"data": [{"text": ARTICLE}, 3]}), "must be text (a string), not dict"),
    "article-surrogate": (json.dumps({"data": [ARTICLE + " \ud800", 3]}), "unpaired surrogate"),
}


@pytest.mark.parametrize("case", sorted(BAD_BODIES))
def test_bad_summarize_input_gets_a_one_line_reason(served: tuple[Any, str], case: str) -> None:
    body, reason = BAD_BODIES[case]
    event, payload = raw_call(served[1], "summarize", body)
    assert event == "error"
    message = payload["error"]
    assert isinstance(message, str) and reason in message, payload
    assert "\n" not in message and "show_error" not in message and "upstream" not in message


def test_translate_refuses_a_list_with_a_reason(served: tuple[Any, str]) -> None:
    event, payload = raw_call(served[1], "translate", json.dumps({"data": [[ARTICLE]]}))
    assert event == "error" and payload["error"] == "The article must be text (a string), not list."


# -- issue 14.2: one limit, a warning when fewer ------------------------------------------------------
def test_one_bullet_limit_everywhere(api: Client) -> None:
    status = api.predict(api_name="/status")
    assert status["limits"]["max_bullets"] == MAX_BULLETS == 10
    bullets = api.view_api(print_info=False, return_format="dict")["named_endpoints"]["/summarize"][
        "parameters"][1]
    assert bullets["type"]["description"] == "numeric value between 1 and 10"
    assert "1 to 10" in bullets["python_type"]["description"]  # from the endpoint's docstring
    with pytest.raises(Exception, match=r"bullets must be from 1 to 10, got 11$"):
        api.predict(ARTICLE, 11, api_name="/summarize")


@pytest.mark.parametrize("asked", [7, 9, 10])
def test_fewer_bullets_come_with_a_warning(api: Client, served: tuple[Any, str], asked: int) -> None:
    _, digest = api.predict(NINE_SENTENCES, asked, api_name="/summarize")
    assert len(digest["bullets"]) == 5
    why = f"9 sentences: at most 5 key points (about half the sentences), so 5 instead of {asked}."
    assert why in digest["warnings"]
    event, (markdown, same) = call(served[1], "summarize", [NINE_SENTENCES, asked])  # plain HTTP too
    assert event == "complete" and why in same["warnings"] and why in markdown


# -- issue 14.10: /translate names the model ----------------------------------------------------------
def test_translate_names_the_model(api: Client, served: tuple[Any, str], tiny_models) -> None:
    english, info = api.predict(ARTICLE, api_name="/translate")
    assert english.count("\n\n") == 1
    assert info["model"] == str(tiny_models["translator"])
    assert set(info["timings"]) == {"parse", "translate", "total"}
    event, (text, same) = call(served[1], "translate", [ARTICLE])
    assert event == "complete" and text == english and same["model"] == info["model"]
    status = api.predict(api_name="/status")
    assert status["translator"]["load_seconds"] >= 0  # loading is reported here, not in timings


# -- issue 15.4: the private steps take nothing from the client ----------------------------------------
def test_private_step_ignores_client_data_and_writes_nothing(served: tuple[Any, str]) -> None:
    demo, url = served
    show = fn_index(demo, "show_digest")
    downloads = demo.fns[show].fn.__self__.downloads
    before = sorted(downloads.root.iterdir())
    huge = {"bullets": [{"el": "Α" * 1000, "en": "A", "sources": [0]}] * 3000, "sentences": ["Α"],
            "models": {}, "timings": {}}  # a client-made 6 MB "digest"
    result = queue_call(url, show, [huge], uuid.uuid4().hex)
    assert result["success"] is True
    html, md_file, json_file, *_ = result["output"]["data"]
    assert "No result" in html and "Α" * 50 not in html
    assert md_file["visible"] is False and json_file["visible"] is False
    assert sorted(downloads.root.iterdir()) == before  # not a byte written


def test_private_step_shows_this_sessions_digest_once(served: tuple[Any, str]) -> None:
    demo, url = served
    session = uuid.uuid4().hex
    done = queue_call(url, fn_index(demo, "summarize"), [ARTICLE, 2, "auto"], session)
    assert done["success"] is True
    downloads = demo.fns[fn_index(demo, "show_digest")].fn.__self__.downloads
    before = len(list(downloads.root.iterdir()))
    html, md_file, *_ = queue_call(url, fn_index(demo, "show_digest"), [], session)["output"]["data"]
    assert html.count('<li class="gd-bullet">') == 2 and md_file["value"]["orig_name"] == "greek-digest.md"
    assert len(list(downloads.root.iterdir())) == before + 1
    again, *_ = queue_call(url, fn_index(demo, "show_digest"), [], session)["output"]["data"]
    assert "No result" in again  # shown once: a replay renders and writes nothing
    assert len(list(downloads.root.iterdir())) == before + 1
    other, *_ = queue_call(url, fn_index(demo, "show_digest"), [], uuid.uuid4().hex)["output"]["data"]
    assert "No result" in other  # and never another session's digest


def test_private_steps_are_bounded(served: tuple[Any, str]) -> None:
    demo, _ = served
    private = [fn for fn in demo.fns.values()
               if fn.api_visibility == "private" and fn.name.startswith("show")]
    assert {fn.name for fn in private} == {"show_digest", "show_briefing", "show_translation", "show_status"}
    assert all((fn.concurrency_id, fn.concurrency_limit) == ("render", RENDER_JOBS) for fn in private)
    kept = SessionResults(capacity=3)
    for n in range(10):
        kept.put(f"s{n}", "digest", n)
    assert len(kept) == 3 and kept.pop("s0", "digest") is None and kept.pop("s9", "digest") == 9
