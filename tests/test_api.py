"""The web app's public API, as people call it: gradio_client and plain HTTP against a real server
on 127.0.0.1, with a tiny random-weight translator. Also its security defaults (login, request size,
file access) and the HTML views (escaping)."""

from __future__ import annotations

import json
import socket
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx
import pytest
from gradio_client import Client

from service.config import Settings
from service.digest import Bullet, Digest
from service.digest_service import DigestService
from tests.bad_inputs import ARTICLE, CASES
from tests.conftest import ROOT
from ui.app import build_app, launch, main
from ui.config import ConfigError, UiSettings, max_request_bytes, parse_auth, request_limit
from ui.endpoints import Endpoints
from ui.render import digest_html, status_html

pytestmark = pytest.mark.slow

ERROR_CASES = [c for c in CASES if c.expect == "error"]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def serve(service: DigestService, **ui_options: Any) -> tuple[Any, str]:
    ui = UiSettings(port=free_port(), **ui_options)
    demo = build_app(service, ui)
    launch(demo, service, ui, prevent_thread_lock=True, quiet=True)
    return demo, f"http://127.0.0.1:{ui.port}/"


@contextmanager
def served(service: DigestService, **ui_options: Any) -> Iterator[str]:
    """The URL of a server for `service` while the block runs."""
    demo, url = serve(service, **ui_options)
    try:
        yield url
    finally:
        demo.close()


def client(url: str, **kwargs: Any) -> Client:
    return Client(url, verbose=False, analytics_enabled=False, download_files=False, **kwargs)


@pytest.fixture(scope="module")
def service(tiny_models: dict[str, Path]) -> DigestService:
    # Explicit settings, not the environment: a developer's DIGEST_* must not change the test.
    # Greedy decoding keeps the random model quick.
    return DigestService(
        Settings(translator=str(tiny_models["translator"]), num_beams=1, convert=False)
    ).load()


@pytest.fixture(scope="module")
def server(service: DigestService) -> Iterator[str]:
    with served(service) as url:
        yield url


@pytest.fixture(scope="module")
def api(server: str) -> Client:
    return client(server)


def assert_alive(api: Client) -> None:
    assert api.predict(api_name="/status")["translator"]["state"] == "loaded"


# -- the public contract ----------------------------------------------------------------------
def test_only_the_four_endpoints_are_public(api: Client) -> None:
    info = api.view_api(print_info=False, return_format="dict")
    assert set(info["named_endpoints"]) == {"/summarize", "/translate", "/status", "/briefing"}
    assert info["unnamed_endpoints"] == {}


def test_summarize(api: Client, tiny_models: dict[str, Path]) -> None:
    markdown, digest = api.predict(ARTICLE, 2, api_name="/summarize")
    assert markdown.startswith("# Σύνοψη / Digest")
    assert len(digest["bullets"]) == 2
    assert len(digest["sentences"]) == 4
    for bullet in digest["bullets"]:
        (source,) = bullet["sources"]
        assert bullet["el"] == digest["sentences"][source]  # extractive: an article sentence
        assert isinstance(bullet["en"], str) and bullet["en"].strip()
        assert bullet["el"] in markdown and bullet["en"] in markdown
    assert digest["warnings"] == []
    assert digest["models"] == {"translator": str(tiny_models["translator"]), "summarizer": "extractive"}


def test_translate_keeps_paragraphs(api: Client) -> None:
    english, _ = api.predict(ARTICLE, api_name="/translate")
    paragraphs = english.split("\n\n")
    assert len(paragraphs) == 2 and all(p.strip() for p in paragraphs)


def test_status_names_the_models(api: Client, tiny_models: dict[str, Path]) -> None:
    status = api.predict(api_name="/status")
    translator = status["translator"]
    assert translator["configured"] == str(tiny_models["translator"])
    assert translator["state"] == "loaded" and translator["backend"] == "torch"
    assert translator["model_path"] == str(tiny_models["translator"])
    assert "path" not in translator  # gradio_client would try to download it as a file
    assert (status["summarizer"]["configured"], status["summarizer"]["state"]) == ("extractive", "built-in")
    assert status["limits"]["max_chars"] == 20_000
    assert status["server"] == {
        "queue_size": 64, "concurrency": 2, "max_request_bytes": max_request_bytes(20_000),
        "login_required": False,
    }


# -- bad input: a clear one-line error, and the server carries on -----------------------------
@pytest.mark.parametrize("case", ERROR_CASES, ids=[c.name for c in ERROR_CASES])
def test_bad_input_gives_clear_error(api: Client, case: Any) -> None:
    with pytest.raises(Exception) as caught:
        api.predict(case.text, 3, api_name="/summarize")
    message = str(caught.value)
    assert case.needle.lower() in message.lower(), message
    assert "\n" not in message and "Traceback" not in message


def test_summarize_takes_article_and_bullets_only(api: Client, service: DigestService) -> None:
    """The UI's method choice is session state: the API contract stays (article, bullets)."""
    parameters = api.view_api(print_info=False, return_format="dict")["named_endpoints"]["/summarize"]
    assert [p["parameter_name"] for p in parameters["parameters"]] == ["article", "bullets"]
    _, forced = Endpoints(service).summarize(ARTICLE, 2, "abstractive")
    assert any("Abstractive summary requested" in w for w in forced["warnings"])


OK_CASES = [c for c in CASES if c.expect == "ok"]


@pytest.mark.parametrize("case", OK_CASES, ids=[c.name for c in OK_CASES])
def test_awkward_but_usable_input_gives_a_digest(api: Client, case: Any) -> None:
    markdown, digest = api.predict(case.text, 3, api_name="/summarize")
    assert 1 <= len(digest["bullets"]) <= 3 and markdown.startswith("#")
    for bullet in digest["bullets"]:
        assert bullet["el"] in digest["sentences"] and bullet["en"]


def test_translate_rejects_english_and_server_survives(api: Client) -> None:
    with pytest.raises(Exception, match="does not look like Greek"):
        api.predict("The prime minister met the French president in Paris today. " * 3,
                    api_name="/translate")
    assert_alive(api)


def test_bullet_count_out_of_range(api: Client) -> None:
    with pytest.raises(Exception, match="bullets must be from 1 to 10, got 50"):
        api.predict(ARTICLE, 50, api_name="/summarize")
    assert_alive(api)


def test_unexpected_error_is_short_and_logged(
    api: Client, service: DigestService, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    def broken(*args: Any, **kwargs: Any) -> None:
        raise RuntimeError("internal detail /secret/path")

    monkeypatch.setattr(service, "digest", broken)
    with pytest.raises(Exception) as caught:
        api.predict(ARTICLE, 2, api_name="/summarize")
    message = str(caught.value)
    assert message.startswith("Something went wrong while summarising the article")
    assert "secret" not in message and "RuntimeError" not in message
    assert "internal detail /secret/path" in caplog.text  # the traceback stays server-side
    assert_alive(api)


# -- plain HTTP, as in the README's curl example -------------------------------------------------
def call(url: str, endpoint: str, data: list[Any]) -> tuple[str, Any]:
    """POST /gradio_api/call/<endpoint>, then read the event stream: (event, data) of the last event."""
    with httpx.Client(base_url=url, timeout=120) as http:
        posted = http.post(f"gradio_api/call/{endpoint}", json={"data": data})
        posted.raise_for_status()
        event_id = posted.json()["event_id"]
        stream = http.get(f"gradio_api/call/{endpoint}/{event_id}").text
    events = [block for block in stream.split("\n\n") if block.startswith("event:")]
    event, payload = events[-1].split("\n", 1)
    return event.removeprefix("event: "), json.loads(payload.removeprefix("data: "))


def test_plain_http_call(server: str) -> None:
    event, (markdown, digest) = call(server, "summarize", [ARTICLE, 2])
    assert event == "complete"
    assert markdown.startswith("# Σύνοψη") and len(digest["bullets"]) == 2

    event, error = call(server, "summarize", ["", 2])
    assert event == "error"
    assert error["error"] == "The article is empty: paste or send some Greek text."

    event, (status,) = call(server, "status", [])
    assert event == "complete" and status["translator"]["state"] == "loaded"


def test_oversized_request_is_refused(server: str, api: Client) -> None:
    limit = max_request_bytes(20_000)
    body = json.dumps({"data": ["α" * (limit // 2 + 10), 2]}, ensure_ascii=False).encode()
    assert len(body) > limit
    response = httpx.post(f"{server}gradio_api/call/summarize", content=body,
                          headers={"content-type": "application/json"}, timeout=60)
    assert response.status_code == 413
    assert "too large" in response.json()["detail"]
    # No component takes uploads; Gradio's upload route is capped at 1 MB anyway.
    upload = httpx.post(f"{server}gradio_api/upload", files={"files": ("a.bin", b"x" * 1_100_000)})
    assert upload.status_code == 413
    assert_alive(api)


def test_body_limit_fits_the_largest_briefing() -> None:
    """A briefing may carry far more text than one article: the body limit follows the larger."""
    big_briefings = Settings(max_chars=20_000, max_briefing_chars=1_000_000)
    assert request_limit(big_briefings) == max_request_bytes(1_000_000) > max_request_bytes(20_000)
    assert request_limit(Settings(max_chars=500_000, max_briefing_chars=100)) == max_request_bytes(500_000)


def test_no_files_served_but_the_apps_own(server: str) -> None:
    for path in (ROOT / "README.md", ROOT / "pyproject.toml", Path("/etc/passwd")):
        response = httpx.get(f"{server}gradio_api/file={path}")
        assert response.status_code == 403, path
    assert httpx.get(f"{server}monitoring").status_code == 403


# -- login ----------------------------------------------------------------------------------------
def test_login_required_when_configured() -> None:
    service = DigestService(Settings(translator="none")).load()
    demo, url = serve(service, auth=(("editor", "s3cret pass"),))
    try:
        with pytest.raises(Exception):  # noqa: B017 - gradio_client raises several kinds here
            client(url).predict(api_name="/status")
        with pytest.raises(Exception, match=r"(?i)invalid credentials|could not login"):
            client(url, auth=("editor", "wrong")).predict(api_name="/status")
        assert httpx.post(f"{url}gradio_api/call/status", json={"data": []}).status_code == 401

        logged_in = client(url, auth=("editor", "s3cret pass"))
        status = logged_in.predict(api_name="/status")
        assert status["translator"]["configured"] == "none"
        assert status["server"]["login_required"] is True

        # No translator: Greek bullets with a warning, and a clear refusal to translate.
        _, digest = logged_in.predict(ARTICLE, 2, api_name="/summarize")
        assert [b["en"] for b in digest["bullets"]] == [None, None]
        assert "No translator configured" in digest["warnings"][0]
        with pytest.raises(Exception, match="No translator configured"):
            logged_in.predict(ARTICLE, api_name="/translate")
    finally:
        demo.close()


def test_queue_and_concurrency_are_bounded() -> None:
    demo = build_app(DigestService(Settings(translator="none")), UiSettings(queue_size=3, concurrency=1))
    assert demo._queue.max_size == 3
    fns = {fn.api_name: fn for fn in demo.fns.values()}
    for name in ("summarize", "translate", "briefing"):  # model work shares one limit
        assert (fns[name].concurrency_id, fns[name].concurrency_limit) == ("model", 1)
    assert {name for name, fn in fns.items() if fn.api_visibility == "public"} == {
        "summarize", "translate", "status", "briefing"}


def test_parse_auth(tmp_path: Path) -> None:
    assert parse_auth("ann:pa:ss") == (("ann", "pa:ss"),)
    accounts = tmp_path / "accounts"
    accounts.write_text("# editors\nann:one\n\nbob:two words\n", encoding="utf-8")
    assert parse_auth("zoe:x", accounts) == (("zoe", "x"), ("ann", "one"), ("bob", "two words"))
    accounts.write_text("ann:one\nbob-no-password\n", encoding="utf-8")
    with pytest.raises(ConfigError, match=r"line 2 of .* must look like user:password"):
        parse_auth(None, accounts)
    with pytest.raises(ConfigError, match="DIGEST_AUTH must look like"):
        parse_auth(":nouser")
    with pytest.raises(ConfigError, match="cannot read DIGEST_AUTH_FILE"):
        parse_auth(None, tmp_path / "missing")


def test_ui_settings_from_env(isolated_env: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    defaults = UiSettings.from_env()
    assert (defaults.host, defaults.port, defaults.share, defaults.auth) == ("127.0.0.1", 7860, False, ())
    assert (defaults.queue_size, defaults.concurrency) == (64, 2) and defaults.local_only
    monkeypatch.setenv("DIGEST_PORT", "8080")
    monkeypatch.setenv("DIGEST_QUEUE_SIZE", "5")
    monkeypatch.setenv("DIGEST_CONCURRENCY", "1")
    monkeypatch.setenv("DIGEST_AUTH", "ann:pw")
    ui = UiSettings.from_env(host="0.0.0.0")
    assert (ui.host, ui.port, ui.queue_size, ui.concurrency, ui.auth) == (
        "0.0.0.0", 8080, 5, 1, (("ann", "pw"),))
    assert not ui.local_only


def test_bad_server_setting_is_one_line(
    isolated_env: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("DIGEST_QUEUE_SIZE", "lots")
    assert main([]) == 2
    assert capsys.readouterr().err == "error: DIGEST_QUEUE_SIZE must be an integer, got 'lots'\n"


# -- HTML views -----------------------------------------------------------------------------------
def test_digest_html_escapes_and_shows_evidence() -> None:
    evil = 'Ο <script>alert("x")</script> ${1+1} & «άλλα».'
    digest = Digest(
        bullets=[Bullet(evil, "An <b>English</b> line.", [1]), Bullet("Δεύτερη.", None, [2])],
        sentences=["Πρώτη πρόταση.", evil, "Δεύτερη."],
        paragraphs=[0, 0, 1],
        models={"translator": "tiny", "summarizer": "extractive"},
        timings={"total": 0.5},
        warnings=["Translator <missing>."],
    )
    html = digest_html(digest)
    assert "<script>" not in html and "<b>English" not in html and "<missing>" not in html
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in html
    assert html.count('<li class="gd-bullet">') == 2
    assert "no English translation" in html
    # Evidence of bullet 1: sentence 2 marked, the sentences before and after as context, the
    # paragraph break between sentences 2 and 3 kept.
    evidence = html.split('id="gd-evidence-1"')[1].split("</details>")[0]
    assert "sentence 2 of 3 · paragraph 1 of 2" in evidence
    assert (
        '<p><span class="gd-context">Πρώτη πρόταση.</span> <mark class="gd-key">'
        '<span class="gd-sno">[2]</span> Ο &lt;script&gt;'
    ) in evidence
    assert '</mark></p><p><span class="gd-context">Δεύτερη.</span></p>' in evidence
    # Bullet 2 (the last sentence): the one before as context, elided before that.
    evidence = html.split('id="gd-evidence-2"')[1].split("</details>")[0]
    assert evidence.count("<p>") == 2 and "<p>… " in evidence


def test_evidence_of_an_abstractive_bullet_quotes_all_its_sources() -> None:
    sentences = [f"Πρόταση αριθμός {n}." for n in range(1, 9)]
    digest = Digest(bullets=[Bullet("Σύνοψη τριών προτάσεων.", "A summary.", [6, 0, 1])], sentences=sentences,
                    paragraphs=[0, 0, 0, 0, 1, 1, 1, 1], models={}, timings={})
    evidence = digest_html(digest).split('id="gd-evidence-1"')[1].split("</details>")[0]
    assert "Source in the article: sentences 1, 2, 7" in evidence
    assert evidence.count("<blockquote") == 2  # sentences 1-3 with context, then 6-8
    assert evidence.count('<mark class="gd-key">') == 3
    first = "<footer>sentence 1 of 8 · paragraph 1 of 2; sentence 2 of 8 · paragraph 1 of 2</footer>"
    assert first in evidence
    assert "<footer>sentence 7 of 8 · paragraph 2 of 2</footer>" in evidence


def test_status_html_shows_the_fix() -> None:
    html = status_html({
        "translator": {"configured": "org/model", "state": "missing",
                       "error": "Model 'org/model' is not available offline: run <fetch>."},
        "summarizer": {"configured": "extractive", "state": "built-in"},
        "backend": "auto", "limits": {"max_chars": 20000}, "server": {"login_required": False},
    })
    assert "▲ missing" in html and "run &lt;fetch&gt;." in html
    assert "max chars: <code>20,000</code>" in html and "login required: <code>no</code>" in html
