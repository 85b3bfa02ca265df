"""HTML notification bodies as the reader sees them: visible text plus the links it shows.

Networks hide a "preheader" (a copy of the note for the inbox preview) in an element
styled ``display:none``; counting it would read every note twice, so hidden elements,
``<style>``, ``<script>`` and ``<head>`` never reach the text. The walk is iterative so a
hostile, deeply nested document cannot exhaust the stack.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from selectolax.lexbor import LexborHTMLParser, LexborNode

_SKIPPED_TAGS = frozenset({"head", "style", "script", "title", "noscript", "template", "-comment"})
_BLOCK_TAGS = frozenset(
    {
        "address", "article", "aside", "blockquote", "center", "dd", "div", "dl", "dt",
        "fieldset", "figcaption", "figure", "footer", "form", "h1", "h2", "h3", "h4", "h5",
        "h6", "header", "hr", "li", "main", "nav", "ol", "p", "pre", "section", "table",
        "tbody", "td", "tfoot", "th", "thead", "tr", "ul",
    }
)  # fmt: skip
_HIDDEN_STYLE = re.compile(
    r"display\s*:\s*none|visibility\s*:\s*hidden|mso-hide\s*:\s*all|max-height\s*:\s*0(?![.\d])"
    r"|font-size\s*:\s*0(?![.\d])|opacity\s*:\s*0(?![.\d])",
    re.IGNORECASE,
)
_HIDDEN_CLASS = re.compile(r"(?:^|\s)(?:preheader|preview-?text|hidden)(?:\s|$)", re.IGNORECASE)
# lexbor's parse time grows with the square of the nesting depth: a hostile mail of
# 100,000 nested <div>s takes many seconds. Notifications have a few thousand tags at most.
_MAX_TAGS = 10_000
_SPACES = re.compile(r"[ \t\r\f\v\u00a0\u200b\u200c\u200d\u2007\u202f\u034f\ufeff]+")


@dataclass
class Link:
    """One ``<a href>``: where it points and what the reader sees on it."""

    url: str
    text: str


@dataclass
class VisibleHtml:
    text: str
    links: list[Link] = field(default_factory=list)
    hidden: list[str] = field(default_factory=list)  # texts of hidden elements (preheaders)


def _is_hidden(node: LexborNode) -> bool:
    attrs = node.attributes
    if "hidden" in attrs or attrs.get("aria-hidden") == "true":
        return True
    style = attrs.get("style")
    if style and _HIDDEN_STYLE.search(style):
        return True
    css_class = attrs.get("class")
    return bool(css_class and _HIDDEN_CLASS.search(css_class))


def visible_html(html: str) -> VisibleHtml:
    """Text with one line per block element (blank line between blocks), and the links."""
    tree = LexborHTMLParser(_bounded(html))
    start = tree.body if tree.body is not None else tree.root
    if start is None:
        return VisibleHtml(text="")
    pieces: list[str] = []
    links: list[Link] = []
    hidden: list[str] = []
    open_links: list[tuple[str, int]] = []  # (href, index into pieces where the anchor began)
    # stack of (node, entering); on leaving a block we emit a paragraph break
    stack: list[tuple[LexborNode, bool]] = [(start, True)]
    while stack:
        node, entering = stack.pop()
        tag = node.tag
        if not entering:
            if tag == "a" and open_links:
                href, begin = open_links.pop()
                links.append(Link(url=href, text=_squash("".join(pieces[begin:]))))
            if tag in _BLOCK_TAGS:
                pieces.append("\n\n")
            continue
        if tag == "-text":
            pieces.append(node.text_content or "")
            continue
        if tag in _SKIPPED_TAGS or not node.is_element_node:
            continue
        if _is_hidden(node):
            hidden_text = _squash(node.text(deep=True, separator=" ") or "")
            if hidden_text:
                hidden.append(hidden_text)
            continue
        if tag == "br":
            pieces.append("\n")
            continue
        if tag == "img":
            continue
        if tag in _BLOCK_TAGS:
            pieces.append("\n\n")
        if tag == "a":
            href = (node.attributes.get("href") or "").strip()
            if href:
                open_links.append((href, len(pieces)))
            else:
                tag = "span"
        stack.append((node, False))
        children: list[LexborNode] = []
        child = node.first_child
        while child is not None:
            children.append(child)
            child = child.next
        stack.extend((c, True) for c in reversed(children))
    return VisibleHtml(text=normalise_lines("".join(pieces)), links=links, hidden=hidden)


def _bounded(html: str) -> str:
    """The document cut after ``_MAX_TAGS`` tags (what follows is not read)."""
    if html.count("<") <= _MAX_TAGS:
        return html
    position = -1
    for _ in range(_MAX_TAGS):
        position = html.find("<", position + 1)
    return html[:position]


def _squash(text: str) -> str:
    return " ".join(_SPACES.sub(" ", text).split())


def normalise_lines(text: str) -> str:
    """Trim every line, turn odd spaces into plain ones, keep at most one blank line in a row."""
    lines = [_SPACES.sub(" ", line).strip() for line in text.replace("\r", "").split("\n")]
    out: list[str] = []
    for line in lines:
        if not line and (not out or not out[-1]):
            continue
        out.append(line)
    while out and not out[-1]:
        out.pop()
    return "\n".join(out)
