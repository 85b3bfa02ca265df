"""Where the shipped rule files, network files and templates are.

In a checkout (or an editable install) they sit at the top of the repository; in an
installed wheel they travel inside the package as ``introgate/_shipped`` (see
pyproject.toml), so introgate works from any directory.
"""

from __future__ import annotations

from pathlib import Path

_PACKAGE_DIR = Path(__file__).resolve().parent


def _shipped(name: str) -> Path:
    inside_wheel = _PACKAGE_DIR / "_shipped" / name
    if inside_wheel.is_dir():
        return inside_wheel
    in_checkout = _PACKAGE_DIR.parent / name
    if in_checkout.is_dir():
        return in_checkout
    raise FileNotFoundError(f"introgate installation is incomplete: no shipped {name}/ folder")


def shipped_rules_dir() -> Path:
    """The folder with the shipped rule files (``default.toml`` ...)."""
    return _shipped("rules")


def shipped_networks_dir() -> Path:
    """The folder with one recognition file per network."""
    return shipped_rules_dir() / "networks"


def shipped_templates_dir() -> Path:
    """The folder with the shipped Jinja2 reply templates."""
    return _shipped("templates")
