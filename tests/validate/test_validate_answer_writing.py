"""``pairgen validate`` rechecks a maths pair against where its source row's solution
writes the row's answer: an edit inside ``M=\\frac{9}{32}\\sqrt2`` of the answer
``$\\frac{9}{32} \\sqrt{2}$`` (an expression, no value the value reader reads) fails,
named, as the build never makes it (:func:`pairgen.strategies.math.stated.answer_text_at`)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pyarrow.parquet as pq
from tamper import rewrite_shard, set_cell, with_recomputed_char_stats

from pairgen.validate.run import validate_output
from pairgen.validate.source_rows import CHECK

SOLUTION = (
    "Taking $x=y=z$ gives $3 x^{2}=12$, and equality holds there, "
    "so $M=\\frac{9}{32}\\sqrt2$ is the largest constant."
)
ROW = {
    "id": "m",
    "question": "Find the largest constant $M$ such that the inequality holds.",
    "solution": SOLUTION,
    "final_answer": "$\\frac{9}{32} \\sqrt{2}$",
}


def test_an_edit_inside_the_written_answer_fails_against_its_source_row(tmp_path: Path) -> None:
    data = tmp_path / "in" / "rows.jsonl"
    data.parent.mkdir()
    data.write_text(json.dumps(ROW) + "\n")
    out = tmp_path / "out"
    built = subprocess.run(
        [sys.executable, "-m", "pairgen", "build", "--source", "math", "--data-files",
         f"test={data}", "--column", "prompt=question", "--column", "answer=final_answer",
         "--column", "id=id", "--out", str(out), "-q"],
        capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert built.returncode == 0, built.stderr
    shard = next(p for p in (out / "data").glob("*/*.parquet")).relative_to(out).as_posix()
    table = pq.read_table(out / shard)
    assert table.column("chosen_value").to_pylist() == ["12"]  # never the answer's 9/32
    assert validate_output(out, input_dirs=[data.parent]).ok
    chosen = table.column("chosen")[0].as_py()  # the solution and its answer line
    at = chosen.index("9}{32}")
    edited = set_cell(table, "rejected", 0, chosen[:at] + "5" + chosen[at + 1 :])
    edited = set_cell(edited, "chosen_value", 0, "\\frac{9}{32}")
    edited = set_cell(edited, "rejected_value", 0, "\\frac{5}{32}")
    edited = set_cell(edited, "edit_start", 0, at)
    rewrite_shard(out, shard, lambda _: with_recomputed_char_stats(edited))
    found = [
        v.reason
        for v in validate_output(out, input_dirs=[data.parent]).violations
        if v.check == CHECK
    ]
    assert len(found) == 1
    assert "edits \\frac{9}{32}\\sqrt2 at character" in found[0] and "stated answer" in found[0], (
        found
    )
