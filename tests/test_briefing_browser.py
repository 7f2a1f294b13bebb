"""The Briefing tab in a real browser (Debian chromium + playwright): the two samples give points that
show the articles reporting them, open their sentences, and fit a phone screen. Screenshots at 1280
and 390 px go to test-output/screenshots/ (git-ignored), never to tracked files."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests import test_browser
from tests.conftest import ROOT, SAMPLES

pytestmark = pytest.mark.browser
# Debian chromium and the tiny-translator server of the digest's browser test (pytest finds them here).
browser, url = test_browser.browser, test_browser.url
SHOTS = ROOT / "test-output" / "screenshots"
TIMEOUT_MS = test_browser.TIMEOUT_MS
SPILL = """() => {
  const view = document.querySelector('#briefing'), edge = view.getBoundingClientRect().right;
  const parts = view.querySelectorAll('.gd-point, .gd-articles, .gd-reach, .gd-el, .gd-en, blockquote');
  const spill = [...parts].map(e => e.getBoundingClientRect().right - edge);
  return Math.max(view.scrollWidth - view.clientWidth, ...spill);
}"""


def open_briefing_tab(browser: Any, url: str, width: int, height: int) -> tuple[Any, Any]:
    context = browser.new_context(viewport={"width": width, "height": height}, locale="en-GB")
    page = context.new_page()
    page.set_default_timeout(TIMEOUT_MS)
    page.goto(url)
    page.get_by_role("tab", name="Briefing").click()
    page.wait_for_selector("#briefing-in textarea")
    return context, page


def brief(page: Any, text: str) -> Any:
    from playwright.sync_api import expect

    page.fill("#briefing-in textarea", text)
    page.click("#briefing-btn")
    points = page.locator("#briefing .gd-point")
    expect(points.first).to_be_visible(timeout=TIMEOUT_MS)
    return points


def shoot(page: Any, name: str) -> Path:
    SHOTS.mkdir(parents=True, exist_ok=True)
    path = SHOTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


@pytest.mark.parametrize(("width", "height"), [(1280, 900), (390, 844)])
def test_briefing_of_the_two_samples(browser: Any, url: str, width: int, height: int) -> None:
    from playwright.sync_api import expect

    texts = [p.read_text(encoding="utf-8").strip() for p in SAMPLES]
    context, page = open_briefing_tab(browser, url, width, height)
    try:
        points = brief(page, "\n---\n".join(texts))
        expect(points).to_have_count(5)
        expect(page.locator("#briefing .gd-articles li")).to_have_count(2)

        # The first point is in both articles: two chips, and one sentence of each behind its <details>.
        first = points.first
        expect(first.locator(".gd-reach")).to_contain_text("Reported by articles 1, 2")
        expect(first.locator(".gd-reach .gd-chip")).to_have_count(2)
        quotes = first.locator("details.gd-evidence blockquote")
        expect(quotes.first).to_be_hidden()
        first.locator("details.gd-evidence summary").click()
        expect(quotes).to_have_count(2)
        expect(quotes.nth(0)).to_be_visible()
        footers = " ".join(quotes.locator("footer").all_inner_texts())
        assert "article 1" in footers and "article 2" in footers
        for i in range(2):
            assert "άνευ όρων" in quotes.nth(i).locator("p").inner_text()
        assert first.locator(".gd-en").inner_text().strip()  # the tiny model's English, nonsense but there

        # Points one article reports say so.
        expect(page.locator("#briefing .gd-only-note").first).to_contain_text("Only in article")
        expect(page.locator("#briefing-md a[href$='/greek-briefing.md']")).to_have_count(1)

        # Nothing of the briefing sticks out of its view (long Greek words wrap), at either width.
        overflow = page.evaluate(SPILL)
        assert overflow <= 1, f"the briefing sticks out {overflow}px at {width}px"
        assert shoot(page, f"briefing-{width}").stat().st_size > 10_000
    finally:
        context.close()


def test_bad_article_in_a_briefing_names_it(browser: Any, url: str) -> None:
    from playwright.sync_api import expect

    context, page = open_briefing_tab(browser, url, 1280, 900)
    try:
        text = SAMPLES[0].read_text(encoding="utf-8") + "\n---\nThis one is English, not a Greek article."
        page.fill("#briefing-in textarea", text)
        page.click("#briefing-btn")
        expect(page.get_by_text("Article 2: The text does not look like Greek").first).to_be_visible(
            timeout=TIMEOUT_MS
        )
    finally:
        context.close()
