"""introgate: recognise social-network contact requests and ask for an introduction."""

__version__ = "0.1.0"
