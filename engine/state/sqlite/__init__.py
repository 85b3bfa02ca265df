"""The state store on SQLite: one module per concern over one shared ``Database``."""

from introgate.state.sqlite.store import SqliteStore

__all__ = ["SqliteStore"]
