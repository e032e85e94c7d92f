"""The shared progress bars print user text literally and show count, elapsed and ETA."""

from __future__ import annotations

import io

from rich.console import Console

from pairgen.bars import progress_bars


def test_a_bar_prints_file_names_literally_with_its_count_and_eta() -> None:
    buffer = io.StringIO()
    bars = progress_bars(Console(file=buffer, force_terminal=True, width=160))
    with bars:
        task = bars.add_task("my[bold]file.jsonl", total=10, count="3/10 rows")
        bars.update(task, completed=3)
    drawn = buffer.getvalue()
    assert "my[bold]file.jsonl" in drawn  # not read as rich markup
    assert "3/10 rows" in drawn and "ETA" in drawn
