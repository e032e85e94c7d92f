"""``pairgen validate`` rechecks a maths pair against its source row's answer column: a
rejected completion that edits a value of the stated answer -- any element of a list
answer such as TheoremQA's ``[4, 2]`` or ``(6, 3)`` -- fails, named
(:mod:`pairgen.strategies.math.stated`, the rule the build keeps)."""

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
    "Adding the equations gives 2x = 12, so x = 6.\nThen y = 9 - 6 = 3. The answer is (6, 3)."
)
ROWS = [
    {"id": f"t/pair_{i}", "Question": "Solve x + y = 9 and x - y = 3.", "solution": SOLUTION,
     "Answer": answer}
    for i, answer in enumerate(["(6, 3)", [6, 3]])
]  # fmt: skip


def test_an_edit_of_a_list_answers_element_fails_against_its_source_row(tmp_path: Path) -> None:
    data = tmp_path / "in" / "rows.json"
    data.parent.mkdir()
    data.write_text(json.dumps(ROWS))
    out = tmp_path / "out"
    built = subprocess.run(
        [sys.executable, "-m", "pairgen", "build", "--source", "math", "--data-files",
         f"test={data}", "--column", "prompt=Question", "--column", "answer=Answer",
         "--column", "id=id", "--out", str(out)],
        capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert built.returncode == 0, built.stderr
    assert validate_output(out, input_dirs=[data.parent]).ok
    shard = next(p for p in (out / "data").glob("*/*.parquet")).relative_to(out).as_posix()
    table = pq.read_table(out / shard)
    edited = table
    for row in range(table.num_rows):  # x = 6 is the answer's first element
        edited = set_cell(edited, "rejected", row, SOLUTION.replace("x = 6.", "x = 5."))
        edited = set_cell(edited, "chosen_value", row, "6")
        edited = set_cell(edited, "rejected_value", row, "5")
    rewrite_shard(out, shard, lambda _: with_recomputed_char_stats(edited))
    found = [
        v.reason
        for v in validate_output(out, input_dirs=[data.parent]).violations
        if v.check == CHECK
    ]
    assert len(found) == table.num_rows == 2
    assert all("rejected edits 6 at character" in r and "stated answer" in r for r in found)
