"""Article text out of HTML: trafilatura for news pages, then fallbacks that keep the text of
fragments and of pages nested deeper than libxml2's limits."""

from __future__ import annotations

from html.parser import HTMLParser
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from lxml.html import HtmlElement


def html_to_text(markup: str) -> str:
    """Main text of an HTML page or fragment, paragraphs separated by blank lines.

    trafilatura is built for news pages (drops navigation, scripts, boilerplate); when it finds
    no main content (a short fragment, or a page nested deeper than libxml2's default limit of
    256 levels), parse again without that limit and extract from the tree, then fall back to the
    text of the whole document.
    """
    import trafilatura

    options = {"include_comments": False, "include_tables": False, "favor_recall": True}
    extracted = trafilatura.extract(markup, **options)
    if not extracted:
        root = _parse_deep_html(markup)
        if root is not None:
            extracted = trafilatura.extract(root, **options) or _block_text(root)
    if not (extracted or "").strip():
        extracted = _flat_html_text(markup)  # deeper than even libxml2's huge-tree limit
    # trafilatura separates paragraphs by single newlines: make them blank lines.
    return "\n\n".join(line for line in extracted.splitlines() if line.strip())


def _parse_deep_html(markup: str) -> HtmlElement | None:
    """The lxml tree, without libxml2's 256-level depth limit (huge_tree)."""
    import lxml.html

    try:
        return lxml.html.fromstring(markup, parser=lxml.html.HTMLParser(huge_tree=True))
    except Exception:  # lxml raises several types for unusable markup
        return None


def _block_text(root: HtmlElement) -> str:
    for bad in root.xpath("//script|//style|//noscript|//template"):
        bad.drop_tree()
    blocks = [b.text_content() for b in root.xpath("//p|//h1|//h2|//h3|//li|//blockquote")]
    return "\n".join(blocks) if blocks else root.text_content()


class _FlatText(HTMLParser):
    """Text of any markup, however deep (the stdlib parser keeps no tree): a newline at each block
    element, nothing from scripts and styles."""

    _SKIP = frozenset({"script", "style", "noscript", "template"})
    _BLOCK = frozenset({"p", "div", "br", "li", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote",
                        "article", "section", "tr"})

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.skipping = 0

    def handle_starttag(self, tag: str, attrs: object) -> None:
        self.skipping += tag in self._SKIP
        if tag in self._BLOCK:
            self.parts.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in self._SKIP:
            self.skipping = max(0, self.skipping - 1)
        if tag in self._BLOCK:
            self.parts.append("\n")

    def handle_data(self, data: str) -> None:
        if not self.skipping:
            self.parts.append(data)


def _flat_html_text(markup: str) -> str:
    parser = _FlatText()
    parser.feed(markup)
    parser.close()
    return "".join(parser.parts)
