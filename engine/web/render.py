"""The page's HTML from the cards: Jinja2 templates kept inside the package (they travel
in the wheel), autoescaped everywhere, with no inline script or style for the CSP to allow."""

from __future__ import annotations

from pathlib import Path

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape

from introgate import __version__
from introgate.web.cards import ACTION_LABELS, Group

WEB_DIR = Path(__file__).resolve().parent
STATIC_DIR = WEB_DIR / "static"


class PageRenderer:
    def __init__(self) -> None:
        self._env = Environment(
            loader=FileSystemLoader(WEB_DIR / "templates"),
            autoescape=select_autoescape(default=True, default_for_string=True),
            undefined=StrictUndefined,
            trim_blocks=True,
            lstrip_blocks=True,
        )
        self._env.globals["labels"] = ACTION_LABELS

    def page(self, groups: list[Group], csrf: str, version: int) -> str:
        return self._env.get_template("page.html").render(
            groups=groups, csrf=csrf, version=version, introgate_version=__version__
        )

    def groups(self, groups: list[Group]) -> str:
        """The part of the page that live updates replace."""
        return self._env.get_template("groups.html").render(groups=groups)

    def refused(self, reason: str) -> str:
        return self._env.get_template("refused.html").render(reason=reason)
