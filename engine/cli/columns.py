"""Rows of cells fitted to the terminal's width: one line per row, never wrapped.

Every cell is untrusted text (a requester's name, a subject) made one harmless line by
``one_line`` — no control characters, escape sequences or bidi overrides reach the
terminal — then cut to its column with an ellipsis. Widths are fixed before the first
row, so rows can be printed as they come (a pass streams them) and still line up.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from rich.cells import cell_len, set_cell_size

from introgate.drafts.untrusted import one_line

GAP = "  "
# a cell is cut to its column anyway; this only bounds the work on a hostile 1 MB name
_CELL_LIMIT = 500


@dataclass(frozen=True)
class Column:
    """A column: its header, the width it would like and the least it may shrink to.

    Columns with a lower ``shrink_order`` give up width first when the line is too long.
    """

    header: str
    natural: int
    least: int
    shrink_order: int = 0


def cell(text: str | None) -> str:
    """Untrusted text as one safe line."""
    return one_line(text, limit=_CELL_LIMIT)


def fit_widths(columns: Sequence[Column], width: int) -> list[int]:
    """Column widths that fit ``width`` (with the gaps), shrinking columns in order."""
    widths = [max(c.natural, cell_len(c.header)) for c in columns]
    excess = sum(widths) + len(GAP) * (len(columns) - 1) - width
    for order in sorted({c.shrink_order for c in columns}):
        if excess <= 0:
            break
        for index, column in enumerate(columns):
            if column.shrink_order != order or excess <= 0:
                continue
            least = max(column.least, 1)
            give = min(excess, widths[index] - least)
            if give > 0:
                widths[index] -= give
                excess -= give
    return widths


def natural_widths(columns: Sequence[Column], rows: Iterable[Sequence[str]]) -> list[Column]:
    """The columns with each natural width set to its longest cell (for rows known up front)."""
    longest = [cell_len(c.header) for c in columns]
    for row in rows:
        for index, text in enumerate(row):
            longest[index] = max(longest[index], cell_len(text))
    return [
        Column(c.header, longest[i], min(c.least, longest[i]), c.shrink_order)
        for i, c in enumerate(columns)
    ]


@dataclass(frozen=True)
class Layout:
    """Columns with their widths fixed: formats the header and each row as one line."""

    widths: tuple[int, ...]
    headers: tuple[str, ...]

    @classmethod
    def fit(cls, columns: Sequence[Column], width: int) -> Layout:
        return cls(tuple(fit_widths(columns, width)), tuple(c.header for c in columns))

    def header(self) -> str:
        return self.line(self.headers)

    def line(self, cells: Sequence[str]) -> str:
        """One line; the cells must already be ``cell()``-safe."""
        parts = [_sized(text, width) for text, width in zip(cells, self.widths, strict=True)]
        return GAP.join(parts).rstrip()


def table_lines(columns: Sequence[Column], rows: Sequence[Sequence[str]], width: int) -> list[str]:
    """A whole table known up front (``drafts list``, ``requests``), fitted to ``width``."""
    layout = Layout.fit(natural_widths(columns, rows), width)
    return [layout.header(), *(layout.line(row) for row in rows)]


def _sized(text: str, width: int) -> str:
    if cell_len(text) <= width:
        return text + " " * (width - cell_len(text))
    return set_cell_size(text, width - 1) + "…"
