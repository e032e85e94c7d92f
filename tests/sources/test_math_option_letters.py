"""An answer column holding an option letter, in either case (MathQA's ``c``, AQuA's ``C``).

The letter is resolved through the mapped ``choices`` column and the option's value is
never edited; with no readable option the build refuses in one line, and a ``choices``
column holding one string of options is refused, never ignored.  Rows are written here in
MathQA's shape (lowercase letter, ``a ) 78 , b ) 5 , ...`` option strings, rationales
ending ``answer : c``).
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pyarrow.parquet as pq
from hypothesis import given
from hypothesis import strategies as st

from pairgen.errors import RowRejected
from pairgen.sources.generic import SourceSettings
from pairgen.sources.generic.maths import STATED_ANSWER_KEY, GenericMath, option_text
from pairgen.validate.source_checks import check_maths_pair, option_answer
from pairgen.validate.source_schemas import SOLUTION, RawSchema

from pairgen_rows import write_jsonl

# (problem, rationale, options as MathQA writes them, letter, the gold option's value)
MATHQA_SHAPED = [
    ("a shop sells 12 pens at 5 each and 3 books at 30 each . what is the total cost ?",
     "pens : 12 * 5 = 60 . books : 3 * 30 = 90 . total = 60 + 90 = 150 answer : c",
     "a ) 140 , b ) 145 , c ) 150 , d ) 155 , e ) 160", "c", "150"),
    ("a car travels 240 km in 4 hours and then 180 km in 2 hours . find the average speed .",
     "total distance = 240 + 180 = 420 km . total time = 4 + 2 = 6 hours . speed = 420 / 6 = "
     "70 kmph the answer is d .",
     "a ) 60 kmph , b ) 65 kmph , c ) 68 kmph , d ) 70 kmph , e ) 75 kmph", "d", "70"),
    ("the price of an article is 800 . it is raised by 15 % and then lowered by 10 % . "
     "find the final price .",
     "raised price = 800 * 115 / 100 = 920 . final = 920 * 90 / 100 = 828 answer : option b",
     "a ) 820 , b ) 828 , c ) 832 , d ) 840 , e ) 850", "b", "828"),
    ("a tank is filled by pipe a in 6 hours and emptied by pipe b in 9 hours . if both are "
     "open , how long to fill it ?",
     "in one hour a fills 1 / 6 and b empties 1 / 9 . net = 3 / 18 - 2 / 18 = 1 / 18 . so "
     "the tank fills in 18 hours answer is e",
     "a ) 12 , b ) 14 , c ) 15 , d ) 16 , e ) 18", "e", "18"),
    ("the sum of two numbers is 45 and their difference is 9 . find the larger number .",
     "2 x = 45 + 9 = 54 so x = 54 / 2 = 27 . the other is 45 - 27 = 18 . answer : a",
     "a ) 27 , b ) 28 , c ) 30 , d ) 32 , e ) 36", "a", "27"),
]  # fmt: skip
MAPPING = ("--column", "prompt=problem", "--column", "solution=rationale", "--column",
           "answer=correct")  # fmt: skip


def mathqa_rows(*, letter_case: str = "lower", options: str = "string") -> list[dict[str, object]]:
    """The rows above, the letter in ``letter_case`` and the options one string or a list."""
    rows: list[dict[str, object]] = []
    for problem, rationale, written, letter, _ in MATHQA_SHAPED:
        listed = [part.strip() for part in written.split(" , ")]
        rows.append({
            "problem": problem,
            "rationale": rationale,
            "options": written if options == "string" else listed,
            "correct": letter.upper() if letter_case == "upper" else letter,
        })  # fmt: skip
    return rows


def build(tmp_path: Path, rows: list[dict[str, object]], *args: str) -> tuple[int, str, Path]:
    tmp_path.mkdir(parents=True, exist_ok=True)
    data = write_jsonl(tmp_path / "rows.jsonl", rows)
    out = tmp_path / "out"
    result = subprocess.run(
        [sys.executable, "-m", "pairgen", "build", "--source", "math",
         "--data-files", f"test={data}", *MAPPING, *args, "--out", str(out)],
        capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    return result.returncode, result.stderr, out


def pairs(out: Path) -> list[dict[str, object]]:
    return [
        r for p in sorted((out / "data").glob("*/*.parquet")) for r in pq.read_table(p).to_pylist()
    ]


def one_error_line(code: int, stderr: str) -> str:
    lines = stderr.strip().splitlines()
    assert code == 2 and len(lines) == 1 and lines[0].startswith("error: "), stderr
    return lines[0]


def test_a_lowercase_letter_without_options_is_refused(tmp_path: Path) -> None:
    line = one_error_line(*build(tmp_path, mathqa_rows())[:2])
    assert "rejected as option_letter_answer" in line
    assert "column 'correct' is the option letter 'c'" in line
    assert "--column choices=COLUMN" in line


def test_one_string_of_options_is_refused_not_ignored(tmp_path: Path) -> None:
    code, stderr, _ = build(tmp_path, mathqa_rows(), "--column", "choices=options")
    line = one_error_line(code, stderr)
    assert "rejected as unread_options" in line
    assert "column 'options' holds one string, not a list of options: 'a ) 140 , b ) 145" in line
    assert "--column choices=COLUMN" in line


def test_listed_options_protect_the_answer_in_either_case(tmp_path: Path) -> None:
    made = {}
    for letter_case in ("lower", "upper"):
        rows = mathqa_rows(letter_case=letter_case, options="list")
        code, stderr, out = build(tmp_path / letter_case, rows, "--column", "choices=options")
        assert code == 0, stderr
        made[letter_case] = pairs(out)
        assert made[letter_case], "the rows have intermediate results to edit"
        for pair in made[letter_case]:
            gold = MATHQA_SHAPED[int(str(pair["source_id"]))][4]
            assert pair["chosen_value"] != gold, pair
    # the letter's case changes nothing: the same edits, the same values
    same = ("source_id", "edit_start", "chosen_value", "rejected_value")
    assert [[p[k] for k in same] for p in made["lower"]] == [
        [p[k] for k in same] for p in made["upper"]
    ]


def test_validate_fails_a_pair_editing_a_lowercase_letters_option_value() -> None:
    schema = RawSchema(SOLUTION, solution="rationale", final_answer="correct", choices=("options",))
    row = mathqa_rows(options="list")[1]
    solution = str(row["rationale"])
    answer = option_answer(row, schema, "d")
    assert answer == "70 kmph"
    bad = solution.replace("= 70 kmph", "= 71 kmph")  # the answer's own value edited
    reason = check_maths_pair(solution, bad, solution, "rationale", answer)
    assert reason is not None and "of the row's stated answer '70 kmph'" in reason
    good = solution.replace("= 420 km", "= 430 km")  # an intermediate result edited
    assert check_maths_pair(solution, good, solution, "rationale", answer) is None
    # the options one string: no option can be read, so no pair of the row may exist
    assert option_answer(mathqa_rows()[1], schema, "d") is None


SOURCE = GenericMath.configured(
    SourceSettings(columns=(("prompt", "q"), ("solution", "s"), ("answer", "a"), ("choices", "o")))
)()
WORKING = "x = 60 / 1.2 = 50 the answer is d ."


@given(
    letter=st.sampled_from("abcde"),
    upper=st.booleans(),
    answer_form=st.sampled_from(["{}", "({})", "{})", " {} "]),
    label_form=st.sampled_from(["{} ) ", "{})", "({}) ", "{} )"]),
    label_upper=st.booleans(),
)
def test_any_letter_form_names_its_option(
    letter: str, upper: bool, answer_form: str, label_form: str, label_upper: bool
) -> None:
    values = ["11", "22", "33", "44", "55"]
    labels = [c.upper() if label_upper else c for c in "abcde"]
    options = [
        label_form.format(label) + value for label, value in zip(labels, values, strict=True)
    ]
    answer = answer_form.format(letter.upper() if upper else letter)
    row = {"q": "Q", "s": WORKING, "a": answer, "o": options}
    example = SOURCE.to_example(row, config="default", split="test", row_index=0)
    assert example.meta[STATED_ANSWER_KEY] == values["abcde".index(letter)]
    schema = RawSchema(SOLUTION, solution="s", final_answer="a", choices=("o",))
    assert option_answer(row, schema, answer.strip()) == values["abcde".index(letter)]


@given(letter=st.sampled_from("abcdeABCDE"), options=st.sampled_from([None, "", "a ) 1 , b ) 2"]))
def test_a_letter_without_a_readable_option_is_rejected(letter: str, options: str | None) -> None:
    row = {"q": "Q", "s": WORKING, "a": letter, "o": options}
    try:
        SOURCE.to_example(row, config="default", split="test", row_index=0)
    except RowRejected as exc:
        assert exc.reason in {"option_letter_answer", "unread_options"}
    else:
        raise AssertionError(f"{row} was not rejected")


_LABEL_FORMS = ("{l}){t}", "{l} ) {t}", "({l}) {t}", "( {l} ) {t}", "({l}){t}")


@given(
    st.lists(st.integers(0, 99), min_size=2, max_size=5, unique=True),
    st.sampled_from(_LABEL_FORMS),
    st.data(),
)
def test_build_and_validate_read_labelled_options_alike(values, form, data):
    # the build (sources) and validate (its own reader) must name the same option: a label
    # form one side could not read once made the build protect the first option instead
    letters = "abcde"[: len(values)]
    order = data.draw(st.permutations(list(range(len(values)))))
    options = [form.format(l=letters[i], t=values[i]) for i in order]
    letter = data.draw(st.sampled_from(letters))
    wanted = str(values[letters.index(letter)])

    built = option_text(options, letter)
    assert built is not None and built.strip() == wanted
    schema = RawSchema(SOLUTION, solution="s", final_answer="a", choices=("o",))
    assert option_answer({"o": options}, schema, letter) == wanted


def test_labelled_options_without_the_letter_are_not_counted_by_position():

    options = ["( b ) 14", "( c ) 19"]
    assert option_text(options, "a") is None
    schema = RawSchema(SOLUTION, solution="s", final_answer="a", choices=("o",))
    assert option_answer({"o": options}, schema, "a") is None
