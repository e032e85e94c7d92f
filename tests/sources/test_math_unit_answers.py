"""``--source math`` on ASDiv-shaped rows (issue 19, a new user's dataset): a one-line
``formula`` as the solution and an ``answer`` column with a unit, ``"25 (chairs)"``.  The
answer's value is read through its unit, so no pair edits the final result; a formula
that is one equation (``LCM[6,4,16]=48``) is no worked solution.  Handwritten rows in
ASDiv's schema, built by the real command line."""

from __future__ import annotations

import re
import subprocess
import sys
from fractions import Fraction
from pathlib import Path

import pyarrow.parquet as pq

from pairgen.sources.worked_solution import not_worked
from pairgen.validate.run import validate_output

from pairgen_rows import write_jsonl

ASDIV = [
    {"body": "There are 3 red chairs. There are 4 times as many yellow chairs as red chairs, "
     "and there are 2 fewer blue chairs than yellow chairs.",
     "question": "How many chairs are there?", "answer": "25 (chairs)",
     "formula": "3*4=12; 12-2=10; 3+12+10=25"},
    {"body": "Jermaine saved $43 in March, $19 in April and $16 in May. Then he spent $77.",
     "question": "How much money does Jermaine have left?", "answer": "1 (dollars)",
     "formula": "43+19+16=78; 78-77=1"},
    {"body": "Colton bought a muffin for $1.80 and a coffee for $1.40. Lunch cost $2.75, "
     "$6.70 and $1.70.", "question": "How much more did he spend on lunch?",
     "answer": "$7.95", "formula": "1.80+1.40=3.2; 2.75+6.70+1.70=11.15; 11.15-3.2=7.95"},
    {"body": "A rope is 8 m long. Another is 6 m longer and a third is 3 m longer than that.",
     "question": "How long are the ropes together?", "answer": "39 m",
     "formula": "8+6=14; 14+3=17; 8+14+17=39"},
    {"body": "Ana reads 12 pages a day for 5 days, then 7 more pages.",
     "question": "How many pages did she read?", "answer": "67 (pages)",
     "formula": "12*5=60; 60+7=67"},
    {"body": "Buses leave every 6, 4 and 16 days.", "question": "After how many days do "
     "they all leave together again?", "answer": "48 (days)", "formula": "LCM[6,4,16]=48"},
]  # fmt: skip


def test_no_pair_edits_an_answer_written_with_a_unit(tmp_path: Path) -> None:
    data = write_jsonl(tmp_path / "asdiv.jsonl", ASDIV)
    out = tmp_path / "out"
    result = subprocess.run(
        [sys.executable, "-m", "pairgen", "build", "--source", "math",
         "--data-files", f"test={data}", "--column", "prompt=question",
         "--column", "solution=formula", "--column", "answer=answer",
         "--template", "{body} {question}\nAnswer:\n", "--out", str(out)],
        capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    made = [
        r for p in sorted((out / "data").glob("*/*.parquet")) for r in pq.read_table(p).to_pylist()
    ]
    assert len(made) == 5 and validate_output(out).ok
    for pair in made:
        row = ASDIV[int(str(pair["source_id"]))]
        answer = re.search(r"[0-9.]+", str(row["answer"]))
        assert answer is not None
        assert Fraction(str(pair["chosen_value"])) != Fraction(answer.group()), pair
        assert str(pair["chosen"]).endswith(f"The answer is: {row['answer']}")
    refused = [
        r
        for p in sorted((out / "rejects").glob("*/*.parquet"))
        for r in pq.read_table(p).to_pylist()
    ]
    assert [(r["row_index"], r["reason"]) for r in refused] == [(5, "not_a_worked_solution")]


def test_one_equation_with_a_function_name_is_not_worked() -> None:
    for equation in ("LCM[6,4,16]=48", "GCD(15,9,18)=3", "sqrt(16) = 4"):
        assert not_worked(equation) == f"only an expression, no worked steps ({equation!r})"
    for worked in (
        "LCM[6,4]=12; 12*2=24",  # two relations: a chain of steps
        "The least common multiple is LCM[6,4,16]=48.",  # prose around it
        "Weng earns 12/60 = $0.2 per minute.",
    ):
        assert not_worked(worked) is None
