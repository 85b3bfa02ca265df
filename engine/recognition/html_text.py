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
# lexbor's parse time grows with the square of the nesting depth (8,000 nested <div>s take
# a second) and the walk below costs a few microseconds a node. Notifications have a few
# thousand tags nested a few dozen deep; the document is cut where either bound is passed.
_MAX_TAGS = 4_000
_MAX_DEPTH = 300
_TAG = re.compile(r"<(/?)([A-Za-z][A-Za-z0-9]{0,20})(?:[^<>]{0,2000}?(/?)>)?")
_VOID_TAGS = frozenset(
    {
        "area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "param",
        "source", "track", "wbr",
    }
)  # fmt: skip
_MAX_URL = 2_048
# every space but the line break, and the invisible characters used to pad preheaders:
# extraction patterns then never meet a long run of spaces to backtrack over
_SPACES = re.compile(r"[^\S\n]+")
_INVISIBLE = str.maketrans(dict.fromkeys("\u200b\u200c\u200d\u034f\ufeff", " "))


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
    cut: str | None = None  # why the end of a hostile document was not read


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
    bounded, cut = _bounded(html)
    tree = LexborHTMLParser(bounded)
    start = tree.body if tree.body is not None else tree.root
    if start is None:
        return VisibleHtml(text="", cut=cut)
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
            # as browsers do: tabs and line breaks inside a URL are dropped
            href = "".join((node.attributes.get("href") or "").split())[:_MAX_URL]
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
    return VisibleHtml(text=normalise_lines("".join(pieces)), links=links, hidden=hidden, cut=cut)


def _bounded(html: str) -> tuple[str, str | None]:
    """The document cut before the tag that passes ``_MAX_TAGS`` or ``_MAX_DEPTH``, and why.

    Depth is counted from open and close tags as written (void and self-closed tags do not
    nest): a cheap over-estimate that only hostile documents reach.
    """
    if html.count("<") <= _MAX_DEPTH:
        return html, None
    depth = 0
    for count, match in enumerate(_TAG.finditer(html)):
        if count >= _MAX_TAGS:
            return html[: match.start()], f"more than {_MAX_TAGS} tags"
        closing, name, self_closed = match.groups()
        if closing:
            depth = max(0, depth - 1)
        elif not self_closed and name.lower() not in _VOID_TAGS:
            depth += 1
            if depth > _MAX_DEPTH:
                return html[: match.start()], f"nested more than {_MAX_DEPTH} deep"
    return html, None


def _squash(text: str) -> str:
    return " ".join(text.translate(_INVISIBLE).split())


def normalise_lines(text: str) -> str:
    """Trim every line, turn odd spaces into plain ones, keep at most one blank line in a row."""
    spaced = _SPACES.sub(" ", text.translate(_INVISIBLE))
    lines = [line.strip() for line in spaced.split("\n")]
    out: list[str] = []
    for line in lines:
        if not line and (not out or not out[-1]):
            continue
        out.append(line)
    while out and not out[-1]:
        out.pop()
    return "\n".join(out)
