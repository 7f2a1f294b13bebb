"""The checks as people see them: in the /summarize JSON and Markdown (gradio_client against a server
on 127.0.0.1) and in the page (a ⚠ beside the English line, its reason on hover and on click, and one
summary line), with a scripted translator so the flags are known. Screenshot: test-output/."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from service.config import Settings
from service.digest_service import DigestService
from tests.conftest import ROOT
from tests.scripted_models import ARTICLE, ENGLISH, TEXT, ScriptedModel, install
from tests.test_api import client, serve
from tests.test_browser import CHROMIUM, CHROMIUM_ARGS, TIMEOUT_MS

SCREENSHOT = ROOT / "test-output" / "checks.png"

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def url() -> Iterator[str]:
    with pytest.MonkeyPatch.context() as patch:
        install(patch, ScriptedModel("scripted-en", ENGLISH.__getitem__),
                ScriptedModel("scripted-all", lambda chunk: chunk))  # each sentence a bullet
        service = DigestService(Settings(translator="scripted-en", summarizer="scripted-all")).load()
    demo, address = serve(service)
    try:
        yield address
    finally:
        demo.close()


def test_api_json_and_markdown_carry_the_flags(url: str) -> None:
    markdown, digest = client(url).predict(TEXT, 4, api_name="/summarize")
    assert digest["checks"]["lines_flagged"] == 4
    flags = {b["el"]: [f["kind"] for f in b["checks"]] for b in digest["bullets"]}
    assert flags[ARTICLE[1]] == ["number"] and flags[ARTICLE[2]] == ["glossary"]
    assert all({"el", "en", "sources"} <= set(b) for b in digest["bullets"])
    assert "⚠ 4 lines to check" in markdown
    assert "⚠ _«ΗΠΑ» should be translated «US» (glossary)._" in markdown


def test_page_shows_a_warning_beside_the_flagged_english(url: str) -> None:
    if not CHROMIUM.exists():
        pytest.skip(f"Debian chromium not found at {CHROMIUM}")
    sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed")
    expect = sync_api.expect
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            page: Any = browser.new_page(viewport={"width": 1280, "height": 900})
            page.set_default_timeout(TIMEOUT_MS)
            page.goto(url)
            page.fill("#article textarea", TEXT)
            page.click("#summarise-btn")
            expect(page.locator("#digest .gd-checks-line")).to_have_text("⚠ 4 lines to check")
            row = page.locator("#digest .gd-bullet", has=page.locator(".gd-el", has_text="2,5 δισ."))
            mark = row.locator(".gd-en .gd-check summary")
            expect(mark).to_have_text("⚠")
            reason = "The number «2,5 δισ.» is not in the English (expected 2.5 billion)."
            expect(mark).to_have_attribute("title", reason)  # on hover
            listed = row.locator(".gd-check li")
            expect(listed).to_be_hidden()
            mark.click()  # on click
            expect(listed).to_have_text(reason)
            SCREENSHOT.parent.mkdir(exist_ok=True)
            page.screenshot(path=str(SCREENSHOT), full_page=True)
        finally:
            browser.close()
