"""A maths set whose answer column mixes floats, ints, bools, lists and text (TheoremQA's
``Answer``), built with ``--source math --column answer=Answer``: a list answer stated in
the solution (``the answer is [0.0259, 0.00505]``) is the final answer, and no element of
a list-valued stated answer (``[4, 2]``) is ever edited (:mod:`pairgen.strategies.math.stated`).

The rows are written for this test in TheoremQA's shape (a JSON array; ``Question``,
``solution``, ``Answer``), not copied from it."""

from __future__ import annotations

import json
import random
import subprocess
import sys
from fractions import Fraction
from pathlib import Path

import pyarrow.parquet as pq
from hypothesis import given, settings
from hypothesis import strategies as st

from pairgen.errors import RowRejected
from pairgen.record import Example
from pairgen.sources.generic.maths import STATED_ANSWER_KEY
from pairgen.strategies.math.options import MathOptions
from pairgen.strategies.math.stated import stated_value_at, stated_values
from pairgen.strategies.math.strategy import MathStrategy
from pairgen.validate.run import validate_output
from pairgen.validate.source_checks import check_maths_pair

COORDS = (
    "Let the B-coordinate vector of x be [a, b]. Then a[3, 1] + b[-1, 3] = [10, 10].\n"
    "This gives us two equations: 3a - b = 10 and a + 3b = 10.\n"
    "Solving for a and b, we have a = 4 and b = 2. Therefore, the B-coordinate vector "
    "of x is [4, 2]."
)
FRICTION = (
    "Half the speed is v_f = 3.5 / 2 = 1.75.\nFor the first tire:\nmu_1 = [(1/2) * (3.5^2 - 1.75^2)] / (9.81 * 18.1)\n"
    "mu_1 = 0.0259\nFor the second tire:\nmu_2 = [(1/2) * (3.5^2 - 1.75^2)] / (9.81 * 92.9)\n"
    "mu_2 = 0.00505\nTherefore, the answer is [0.0259, 0.00505]."
)
ROWS: list[dict[str, object]] = [
    {
        "id": "t/coords_1",
        "Question": "Let v_1 = [3,1], v_2 = [-1,3] and x = [10, 10]. Find x in basis B.",
        "solution": COORDS,
        "Answer": [4, 2],
    },
    {
        "id": "t/friction_2",
        "Question": "A tire at 3.5 m/s slows to half speed over 18.1 m; another over "
        "92.9 m. Find both coefficients of rolling friction.",
        "solution": FRICTION,
        "Answer": [0.0259, 0.00505],
    },
    {
        "id": "t/sum_3",
        "Question": "A box holds 12 pens at 5 dollars each and a 7 dollar case. Total cost?",
        "solution": "The pens cost 12 * 5 = 60 dollars.\nWith the case it is 60 + 7 = 67.",
        "Answer": 67,
    },
    {
        "id": "t/rate_4",
        "Question": "A loan of 2000 dollars grows 3 percent a year for 2 years. Its worth?",
        "solution": "After one year it is 2000 * 1.03 = 2060.\nAfter two years it is "
        "2060 * 1.03 = 2121.8.\nTherefore, the answer is 2121.8.",
        "Answer": 2121.8,
    },
    {
        "id": "t/prime_5",
        "Question": "Is 91 a prime number?",
        "solution": "We check small divisors: 91 / 7 = 13, so 91 = 7 * 13.\nIt is not prime.",
        "Answer": False,
    },
    {
        "id": "t/pair_6",
        "Question": "Solve x + y = 9 and x - y = 3.",
        "solution": "Adding the equations gives 2x = 12, so x = 6.\nThen y = 9 - 6 = 3. "
        "The answer is (6, 3).",
        "Answer": "(6, 3)",
    },
]


def build(tmp_path: Path, rows: list[dict[str, object]]) -> Path:
    data = tmp_path / "in" / "theorems.json"
    data.parent.mkdir(parents=True)
    data.write_text(json.dumps(rows, indent=1))
    out = tmp_path / "out"
    result = subprocess.run(
        [sys.executable, "-m", "pairgen", "build", "--source", "math",
         "--data-files", f"test={data}", "--column", "prompt=Question",
         "--column", "solution=solution", "--column", "answer=Answer", "--column", "id=id",
         "--allow-rejects", "--out", str(out)],
        capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    return out


def table(out: Path, folder: str) -> list[dict[str, object]]:
    return [
        r for p in sorted((out / folder).glob("*/*.parquet")) for r in pq.read_table(p).to_pylist()
    ]


def test_a_theoremqa_shaped_set_builds_and_never_edits_a_stated_answer(tmp_path: Path) -> None:
    out = build(tmp_path, ROWS)
    made = {str(p["source_id"]): p for p in table(out, "data")}
    rejected = {str(r["source_id"]): str(r["reason"]) for r in table(out, "rejects")}
    assert set(made) | set(rejected) == {str(row["id"]) for row in ROWS}
    # a = 4 and b = 2 are the answer [4, 2]; 10 is given: nothing else to edit
    assert rejected == {"t/coords_1": "results_all_equal_final_answer"}
    for row in ROWS:
        pair = made.get(str(row["id"]))
        if pair is None:
            continue
        chosen, value = str(pair["chosen"]), Fraction(str(pair["chosen_value"]))
        assert value not in stated_values(str(row["Answer"]))
        # the solution's own answer sentence (a list one too) gets no second answer line
        assert chosen.count("he answer is") == 1
    assert made["t/friction_2"]["chosen"] == FRICTION
    assert str(made["t/sum_3"]["chosen"]).endswith("\nThe answer is: 67")
    assert validate_output(out, input_dirs=[tmp_path / "in"]).ok


def test_the_exact_failing_forms() -> None:
    """TheoremQA's newtons_laws_2 (0.0259 edited before its list answer) and
    math_algebra_3_6 (``a = 4`` edited to 2 while the answer is ``[4, 2]``)."""
    strategy = MathStrategy(MathOptions())

    example = Example(
        source="math", config="default", split="test", source_id="x",
        question=str(ROWS[1]["Question"]), solution=FRICTION,
        meta={STATED_ANSWER_KEY: "[0.0259, 0.00505]"},
    )  # fmt: skip
    for seed in range(20):
        pair = strategy.make_pairs(example, random.Random(seed))[0]
        assert pair.chosen_value not in {"0.0259", "0.00505"}
    coords = Example(
        source="math", config="default", split="test", source_id="y",
        question=str(ROWS[0]["Question"]), solution=COORDS + "\nThe answer is: [4, 2]",
        meta={STATED_ANSWER_KEY: "[4, 2]"},
    )  # fmt: skip
    try:
        strategy.make_pairs(coords, random.Random(0))
    except RowRejected as exc:
        assert exc.reason == "results_all_equal_final_answer"
    else:
        raise AssertionError("a = 4 (an element of the answer [4, 2]) was editable")
    edited = COORDS.replace("a = 4", "a = 2")
    found = check_maths_pair(COORDS, edited, COORDS, "solution", "[4, 2]")
    assert found is not None and "stated answer '[4, 2]'" in found
    assert check_maths_pair(COORDS, edited, COORDS, "solution", None) is None


@settings(max_examples=200, deadline=None)
@given(
    st.lists(st.integers(min_value=1, max_value=999), min_size=2, max_size=5, unique=True),
    st.sampled_from(["[{}]", "({})", "{}"]),
    st.integers(min_value=0, max_value=4),
    st.booleans(),
)
def test_each_element_of_a_list_answer_is_protected_like_a_scalar(
    values: list[int], brackets: str, pick: int, compact: bool
) -> None:
    """Validate refuses an edit of any element's value, wherever it stands, as it refuses
    an edit of a scalar answer's; a value of no element passes.  ``compact``: JSON's
    ``[1,100]`` (in brackets a comma separates elements, never thousands)."""
    separator = "," if compact and brackets != "{}" else ", "
    answer = brackets.format(separator.join(map(str, values)))
    element = values[pick % len(values)]
    solution = f"First x = {element} and then y = 1000.\nThe answer is {answer}."
    at = solution.index(str(element))
    assert stated_value_at(solution, at, answer) == str(element)
    assert stated_value_at(solution, at, str(element)) == str(element)  # the scalar
    assert stated_value_at(solution, solution.index("1000"), answer) is None
