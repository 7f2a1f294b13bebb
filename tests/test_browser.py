"""The web app in a real browser: Debian's chromium driven by playwright (never `playwright install`).

Pastes a sample article, summarises it, checks the Greek and English bullets and a bullet's
evidence, saves docs/screenshot.png, and checks that article text cannot inject markup.
"""

from __future__ import annotations

import re
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from service.config import Settings
from service.digest_service import DigestService
from tests.conftest import EXAMPLES, ROOT
from tests.test_api import serve

CHROMIUM = Path("/usr/bin/chromium")
SCREENSHOT = ROOT / "docs" / "screenshot.png"
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-background-networking",
    "--disable-component-update", "--disable-sync",
]
GREEK = re.compile(r"[\u0370-\u03ff\u1f00-\u1fff]")
TIMEOUT_MS = 60_000

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    if not CHROMIUM.exists():
        pytest.skip(f"Debian chromium not found at {CHROMIUM} (`make browser-deps` installs it as root)")
    sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed")
    with sync_api.sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            yield chromium
        finally:
            chromium.close()


@pytest.fixture(scope="module")
def url(tiny_models: dict[str, Path]) -> Iterator[str]:
    service = DigestService(
        Settings(translator=str(tiny_models["translator"]), num_beams=1, convert=False)
    ).load()
    demo, address = serve(service)
    try:
        yield address
    finally:
        demo.close()


@pytest.fixture
def page(browser: Any, url: str) -> Iterator[Any]:
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="en-GB")
    page = context.new_page()
    page.set_default_timeout(TIMEOUT_MS)
    page.goto(url)
    page.wait_for_selector("#article textarea")
    try:
        yield page
    finally:
        context.close()


def summarise(page: Any, article: str, bullets: int | None = None) -> Any:
    from playwright.sync_api import expect

    page.fill("#article textarea", article)
    if bullets is not None:
        number = page.locator('#bullets input[type="number"]')
        number.fill(str(bullets))
        number.press("Enter")
    page.click("#summarise-btn")
    rows = page.locator("#digest .gd-bullet")
    expect(rows.first).to_be_visible(timeout=TIMEOUT_MS)  # the tiny model's time, on a busy machine
    return rows


def test_summarise_sample_article_with_evidence(page: Any) -> None:
    from playwright.sync_api import expect

    article = (EXAMPLES / "el-news-putin-kim-call.txt").read_text(encoding="utf-8")
    rows = summarise(page, article, bullets=4)
    expect(rows).to_have_count(4)
    expect(page.locator("#digest .gd-head")).to_contain_text("Ελληνικά")
    expect(page.locator("#digest .gd-head")).to_contain_text("English")
    for i in range(4):
        greek = rows.nth(i).locator(".gd-el").inner_text()
        english = rows.nth(i).locator(".gd-en").inner_text()
        assert GREEK.search(greek) and greek in article.replace("\n", " ")
        assert english.strip()

    # The evidence of the second bullet: hidden until opened, then its source sentence quoted.
    evidence = rows.nth(1).locator("details.gd-evidence")
    quote = evidence.locator("blockquote")
    expect(quote).to_be_hidden()
    evidence.locator("summary").click()
    expect(quote).to_be_visible()
    source = rows.nth(1).locator(".gd-el").inner_text()
    expect(quote.locator("mark.gd-key")).to_contain_text(source)
    expect(quote.locator("footer")).to_contain_text(re.compile(r"sentence \d+ of 9 · paragraph \d+ of 8"))
    expect(quote.locator(".gd-context").first).to_be_visible()  # the sentence before it, for context

    # The downloads: files in Gradio's cache, named for people, holding the digest.
    for box, name, start in (("#digest-md", "greek-digest.md", "# Σύνοψη / Digest"),
                             ("#digest-json", "greek-digest.json", '{\n  "bullets"')):
        link = page.locator(f'{box} a[href$="/{name}"]')
        expect(link).to_have_count(1)
        response = page.request.get(link.get_attribute("href"))
        assert response.ok and response.text().startswith(start) and source in response.text()
    expect(page.locator("#status-badge")).to_contain_text("translator ready")

    page.locator("#article textarea").evaluate("area => area.scrollTo(0, 0)")  # the article's start
    SCREENSHOT.parent.mkdir(exist_ok=True)
    shot = SCREENSHOT.with_suffix(".tmp.png")
    page.screenshot(path=str(shot), full_page=True)
    shutil.move(shot, SCREENSHOT)  # never leave a half-written screenshot behind
    assert SCREENSHOT.stat().st_size > 20_000


def test_article_text_cannot_inject_markup(page: Any) -> None:
    from playwright.sync_api import expect

    payload = '<img src=x onerror="window.__pwned=1"> ${7*6} {{value}}'
    article = (  # in every sentence, so whichever becomes a bullet carries it
        f"Η κυβέρνηση ανακοίνωσε {payload} νέα μέτρα στήριξης για τα νοικοκυριά. "
        f"Η Βουλή ψήφισε {payload} το νομοσχέδιο για την παιδεία με μεγάλη πλειοψηφία."
    )
    summarise(page, article)
    expect(page.locator("#digest .gd-el").first).to_contain_text(payload)
    expect(page.locator("#digest .gd-article")).to_contain_text(payload)
    assert page.locator("#digest img").count() == 0
    assert page.evaluate("window.__pwned") is None


def test_bad_input_shows_clear_message(page: Any) -> None:
    from playwright.sync_api import expect

    page.fill("#article textarea", "This is an English sentence, not a Greek article at all. " * 3)
    page.click("#summarise-btn")
    expect(page.get_by_text("The text does not look like Greek").first).to_be_visible(timeout=TIMEOUT_MS)


def test_method_control_reaches_the_service(page: Any) -> None:
    """The "Key points" control is session state behind /summarize, not an API parameter."""
    from playwright.sync_api import expect

    page.locator("#method").get_by_text("abstractive", exact=True).click()
    summarise(page, (EXAMPLES / "el-news-putin-kim-call.txt").read_text(encoding="utf-8"), 2)
    # No summariser is configured here: the digest falls back to extractive and says so.
    expect(page.locator("#digest .gd-warning").first).to_contain_text("Abstractive summary requested")
