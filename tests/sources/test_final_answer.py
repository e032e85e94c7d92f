"""Where a solution's final answer starts, in every form real solutions write it
(:mod:`pairgen.sources.final_answer`), and that ``--source math`` appends no second one."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pairgen.sources.final_answer import final_answer_start, final_answer_text
from pairgen.sources.generic import SourceSettings
from pairgen.sources.generic.maths import GenericMath

WORKING = "Total cost = 12 * 5 = 60\nDiscount = 60 - 15 = 45\n"

# (final-answer line as written, what it says)
FORMS = [
    ("\\boxed{45}", "45"),
    ("\\boxed {45}", "45"),
    ("so \\boxed 45.", "45."),
    ("\\fbox{45}", "45"),
    ("$\\framebox{45}$ minutes", "45"),  # AIME 2024's AoPS solutions
    ("The answer is $k = \\framebox{45}$", "45"),
    ("#### 45", "45"),
    ("The answer is 45", "45"),
    ("The answer is: 45", "45"),
    ("the answer is: 45", "45"),
    ("Answer: D", "D"),
    ("ANSWER:A", "A"),
    ("answer : B.", "B."),
    ("Correct answer - A", "A"),
    ("the answer is (B)", "(B)"),
    ("Answer: (C) 42", "(C) 42"),
    ("ANS: E", "E"),
    ("Answer is 36.", "36."),
    ("The correct option is C", "C"),
    ("CORRECT OPTION:OPTION E", "OPTION E"),
    ("Hence, the correct answer will be (D)", "(D)"),
    ("Answer = (A)", "(A)"),
    # a tuple or list answer (TheoremQA writes its list answers so)
    ("Therefore, the answer is [0.0259, 0.00505].", "[0.0259, 0.00505]."),
    ("the answer is [4, 2]", "[4, 2]"),
    ("The answer is (4, 2)", "(4, 2)"),
    ("so the answer is (-1, 3).", "(-1, 3)."),
    ("Answer: [1.5, 2, 7]", "[1.5, 2, 7]"),
]
LAST_LINES = [
    "E",
    "(C).",
    "Option B",
    "Choice B.",
    "Thus A",
    "D is the answer",
    "Hence (A) is correct answer.",
]


@pytest.mark.parametrize(("line", "says"), FORMS)
def test_each_written_form_is_the_final_answer(line: str, says: str) -> None:
    solution = WORKING + line
    start = final_answer_start(solution)
    assert start is not None and len(WORKING) <= start
    assert final_answer_start(WORKING) is None
    assert final_answer_text(solution) == says


@pytest.mark.parametrize("line", LAST_LINES)
def test_an_option_letter_alone_on_the_last_line(line: str) -> None:
    assert final_answer_start(WORKING + line) == len(WORKING)
    # the same words elsewhere are discussion, not the answer
    assert final_answer_start(line + "\n" + WORKING) is None


def test_the_first_marker_wins_and_prose_is_no_marker() -> None:
    solution = "So x = 5.\nAnswer: D\nThe answer is: D"
    assert final_answer_start(solution) == solution.index("Answer")
    prose = "We know the answer is positive, since the product of the two factors is 12.\n"
    assert final_answer_start(prose + "x = 3") is None
    assert (
        final_answer_start(
            "Let's go through each answer choice: (A) can never be true, since no negative is greater than a positive."
        )
        is None
    )


def test_no_second_final_answer_is_appended() -> None:
    source = GenericMath.configured(
        SourceSettings(columns=(("prompt", "q"), ("solution", "s"), ("answer", "a")))
    )()
    for line, _ in FORMS:
        row = {"q": "A shop sells 12 pens at $5 each.", "s": WORKING + line, "a": "45"}
        example = source.to_example(row, config="default", split="test", row_index=0)
        assert example.solution == WORKING + line
    example = source.to_example(
        {"q": "Q", "s": WORKING.strip(), "a": "45"}, config="default", split="test", row_index=0
    )
    assert example.solution == WORKING.strip() + "\nThe answer is: 45"


_WORDS = st.sampled_from(
    [
        "we",
        "have",
        "so",
        "total",
        "each",
        "x",
        "=",
        "+",
        "*",
        "12",
        "5",
        "3.5",
        "$",
        "cost",
        "is",
        "then",
    ]
)
_PROSE = st.lists(
    st.lists(_WORDS, min_size=1, max_size=8).map(" ".join), min_size=1, max_size=5
).map(lambda lines: "\n".join(lines) + "\n")


@settings(max_examples=200, deadline=None)
@given(_PROSE, st.sampled_from([line for line, _ in FORMS]), _PROSE)
def test_marker_start_is_where_the_answer_line_begins(prefix: str, line: str, tail: str) -> None:
    """Prose without markers has none; after it, the first marker is found where it is,
    whatever follows it (a second answer line, more prose)."""
    assert final_answer_start(prefix) is None
    at = final_answer_start(prefix + line + "\n" + tail)
    assert at is not None and len(prefix) <= at < len(prefix) + len(line)
    assert final_answer_start(prefix + line + "\n" + tail + "Answer: B\n#### 7") == at


@settings(max_examples=200, deadline=None)
@given(
    st.integers(min_value=0, max_value=10**6),
    st.sampled_from(
        ["Answer: {}", "#### {}", "The answer is: {}", "ANSWER: {}", "$\\framebox{{{}}}$"]
    ),
)
def test_the_answer_text_is_the_value_written(value: int, form: str) -> None:
    assert final_answer_text(WORKING + form.format(value)) == str(value)


_LIST_VALUES = st.lists(
    st.one_of(
        st.integers(min_value=-(10**6), max_value=10**6).map(str),
        st.decimals(min_value=-1000, max_value=1000, places=4).map(str),
    ),
    min_size=1,
    max_size=6,
)


@settings(max_examples=200, deadline=None)
@given(
    _LIST_VALUES,
    st.sampled_from(["[{}]", "({})"]),
    st.sampled_from(
        ["Therefore, the answer is {}.", "the answer is {}", "The answer is {}", "Answer: {}"]
    ),
)
def test_a_list_answer_is_the_final_answer_like_a_scalar(
    values: list[str], brackets: str, form: str
) -> None:
    """A tuple or list stated after an answer marker is the final answer, read whole, and
    ``--source math`` appends no second answer line after it (``The answer is: [..]``)."""
    written = brackets.format(", ".join(values))
    line = form.format(written)
    solution = WORKING + line
    assert final_answer_start(solution) == len(WORKING) + line.lower().index(
        "answer" if form.startswith("Answer") else "the answer"
    )
    assert final_answer_text(solution) == written + ("." if line.endswith(".") else "")
    source = GenericMath.configured(
        SourceSettings(columns=(("prompt", "q"), ("solution", "s"), ("answer", "a")))
    )()
    row = {"q": "Find the coefficients.", "s": solution, "a": f"[{', '.join(values)}]"}
    example = source.to_example(row, config="default", split="test", row_index=0)
    assert example.solution == solution
