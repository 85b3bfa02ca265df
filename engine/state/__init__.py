"""The state store: what introgate has seen, done and drafted."""

from introgate.state.store import DraftRecord, ProcessedRecord, StateStore

__all__ = ["DraftRecord", "ProcessedRecord", "StateStore"]
