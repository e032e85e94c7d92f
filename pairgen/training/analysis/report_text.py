"""Text helpers every section of the training report shares (report and report_effects).

Kept apart so the report and its effect sections can both use them without importing
each other.
"""

from __future__ import annotations

import math

__all__ = ["Cell", "fmt", "table"]

# A table cell's number: one value, a (mean, low, high) spread over seeds, or none.
Cell = float | tuple[float, float, float] | None


def fmt(value: Cell) -> str:
    """A number for a table cell: 3 decimals, a (mean, low, high) spread, or a dash."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "–"
    if isinstance(value, tuple):
        mean, low, high = value
        return f"{mean:.3f} [{low:.3f}, {high:.3f}]"
    return f"{value:.3f}" if isinstance(value, float) else str(value)


def table(header: list[str], body: list[list[str]]) -> list[str]:
    """A markdown table."""
    lines = ["| " + " | ".join(header) + " |", "|---" * len(header) + "|"]
    return lines + ["| " + " | ".join(cells) + " |" for cells in body]
