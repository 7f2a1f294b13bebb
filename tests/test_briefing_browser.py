"""The Briefing tab in a real browser (Debian chromium + playwright): the two samples give points that
show the articles reporting them, open their sentences, and fit a phone screen. Screenshots at 1280
and 390 px go to test-output/screenshots/ (git-ignored), never to tracked files."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest

from tests import test_browser
from tests.conftest import SAMPLES

pytestmark = pytest.mark.browser
# Debian chromium and the tiny-translator server of the digest's browser test (pytest finds them here).
browser, service, url = test_browser.browser, test_browser.service, test_browser.url
TIMEOUT_MS = test_browser.TIMEOUT_MS
SPILL = """() => {
  const view = document.querySelector('#briefing'), edge = view.getBoundingClientRect().right;
  const parts = view.querySelectorAll('.gd-point, .gd-articles, .gd-reach, .gd-el, .gd-en, blockquote');
  const spill = [...parts].map(e => e.getBoundingClientRect().right - edge);
  return Math.max(view.scrollWidth - view.clientWidth, ...spill);
}"""


@contextmanager
def briefing_tab(browser: Any, url: str, width: int, height: int) -> Iterator[tuple[Any, list[str]]]:
    """The page at this size, on the Briefing tab; (page, console errors and failed requests)."""
    with test_browser.open_page(browser, url, {"width": width, "height": height}) as (page, problems):
        page.get_by_role("tab", name="Briefing").click()
        page.wait_for_selector("#briefing-in textarea")
        yield page, problems


def brief(page: Any, text: str) -> Any:
    from playwright.sync_api import expect

    page.fill("#briefing-in textarea", text)
    page.click("#briefing-btn")
    points = page.locator("#briefing .gd-point")
    expect(points.first).to_be_visible(timeout=TIMEOUT_MS)
    return points


@pytest.mark.parametrize(("width", "height"), [(1280, 900), (390, 844)])
def test_briefing_of_the_two_samples(browser: Any, url: str, width: int, height: int) -> None:
    from playwright.sync_api import expect

    texts = [p.read_text(encoding="utf-8").strip() for p in SAMPLES]
    with briefing_tab(browser, url, width, height) as (page, problems):
        expect(page.locator("#briefing-md")).to_be_hidden()  # no download box before a briefing
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

        # Nothing of the briefing sticks out of its view (long Greek words wrap), nor does the page
        # scroll sideways, at either width.
        overflow = page.evaluate(SPILL)
        assert overflow <= 1, f"the briefing sticks out {overflow}px at {width}px"
        assert page.evaluate("document.documentElement.scrollWidth") <= width
        assert problems == []
        test_browser.shoot(page, f"briefing-{width}")


def test_bad_article_in_a_briefing_names_it(browser: Any, url: str) -> None:
    from playwright.sync_api import expect

    with briefing_tab(browser, url, 1280, 900) as (page, _):
        text = SAMPLES[0].read_text(encoding="utf-8") + "\n---\nThis one is English, not a Greek article."
        page.fill("#briefing-in textarea", text)
        page.click("#briefing-btn")
        # The reason, in place of the briefing (and in the page's error toast).
        expect(page.locator("#briefing")).to_contain_text("Article 2: The text does not look like Greek",
                                                          timeout=TIMEOUT_MS)
