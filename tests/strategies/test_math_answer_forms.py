"""The final answer in the other forms real datasets write it (issue 19, a new user's
datasets): a percentage of a decimal answer (Minerva Math), an answer boxed with
``\\framebox`` (AIME 2024), and a stated answer with a unit (ASDiv's ``48 (days)``).  None
of them may be edited as an intermediate result."""

from __future__ import annotations

from fractions import Fraction

from hypothesis import given, settings
from hypothesis import strategies as st

from pairgen.sources.final_answer import final_answer_start, final_answer_text
from pairgen.strategies.math.given import problem_values
from pairgen.strategies.math.rule import find_candidates, reject_reason
from pairgen.strategies.math.values import answer_values, percent_forms, percentages

# Minerva Math row 54 (MIT OCW 7.012 problem set, as in the Minerva test set)
MINERVA_PROBLEM = (
    "This test is 95 percent accurate at spotting the gene when it is there. However, the "
    'test gives a "false positive" $0.4$ percent of the time. If $0.1$ percent of the box '
    "people have the mutant gene, what's the probability that a box person actually has "
    "the mutant gene if the test indicates that he or she does?"
)
MINERVA_SOLUTION = (
    "We see that the probability that a person has the disease given that the test is "
    "positive, is:\n\\[\n\\frac{0.001 \\times 0.95}{0.001 \\times 0.95+0.999 \\times 0.004}"
    "=19.2 \\%\n\\]\nAnswer: \\boxed{0.192}."
)
# AIME 2024 I problem 1, a solution from the AoPS wiki as the AIME 2024 set carries it
AIME_PROBLEM = (
    "Every morning Aya goes for a $9$-kilometer-long walk. When she walks at a constant "
    "speed of $s$ kilometers per hour, the walk takes her 4 hours, including $t$ minutes "
    "spent in the coffee shop. When she walks $s+2$ kilometers per hour, the walk takes her "
    "2 hours and 24 minutes. Suppose Aya walks at $s+\\frac{1}{2}$ kilometers per hour. "
    "Find the number of minutes the walk takes her."
)
AIME_SOLUTION = (
    "$\\frac{9}{s} + t = 4$ in hours and $\\frac{9}{s+2} + t = 2.4$ in hours.\n"
    "Subtracting the second equation from the first, we get, \n"
    "$\\frac{9}{s} - \\frac{9}{s+2} = 1.6$\n"
    "Lastly, $s + \\frac{1}{2} = 3$ kilometers per hour, so\n"
    "$\\frac{9}{3} + 0.4 = 3.4$ hours, or $\\framebox{204}$ minutes\n-Failure.net\n"
    "The t minutes spent at the coffeeshop can be written as $144-48(2.5)$, so t = 24. "
    "$180 + 24 = 204$. -sepehr2010"
)


def test_a_percentage_of_the_decimal_answer_is_not_edited() -> None:
    assert [c.text for c in find_candidates(MINERVA_PROBLEM, MINERVA_SOLUTION)] == []
    assert reject_reason(MINERVA_PROBLEM, MINERVA_SOLUTION) == "results_all_equal_final_answer"
    # the other way round: a decimal before an answer boxed as a percentage
    flipped = "The share is $\\frac{3}{5} \\cdot 0.32 = 0.192$, so \\boxed{19.2\\%}."
    assert "0.192" not in [c.text for c in find_candidates("", flipped)]
    # a percentage that is not the answer's stays a result
    other = "So $0.5 \\cdot 30 = 15\\%$ and $15 + 2 = 17$.\nAnswer: \\boxed{17}"
    assert "15" in [c.text for c in find_candidates("", other)]


@settings(max_examples=60, deadline=None)
@given(st.integers(1, 9999), st.sampled_from(["\\%", "%", " \\%", " percent"]))
def test_any_percentage_of_the_answer_is_its_value(tenths: int, sign: str) -> None:
    percent = Fraction(tenths, 10)
    written = f"{float(percent):g}"
    share = f"{float(percent / 100):.6g}"
    solution = f"So $x = \\frac{{7}}{{3}} \\cdot 1 = {written}{sign}$.\nAnswer: \\boxed{{{share}}}"
    texts = [c.text for c in find_candidates("", solution)]
    if Fraction(share) == percent / 100:  # the boxed decimal is exact
        assert written not in texts
    assert percent_forms({Fraction(share)}, solution, None) <= {percent}


def test_the_problem_reader_and_the_answer_read_percentages_alike() -> None:
    assert percentages("5% of it, 19.2 \\% and 3 percent") == [
        (Fraction(5), Fraction(1, 20)),
        (Fraction(96, 5), Fraction(24, 125)),
        (Fraction(3), Fraction(3, 100)),
    ]
    assert {Fraction(1, 20), Fraction(3, 100)} <= problem_values("5% off, then 3 percent")


def test_a_framebox_is_the_final_answer() -> None:
    assert final_answer_text(AIME_SOLUTION) == "204"
    cut = final_answer_start(AIME_SOLUTION)
    assert cut == AIME_SOLUTION.index("\\framebox")
    cands = find_candidates(AIME_PROBLEM, AIME_SOLUTION, answer="204")
    assert cands and all(c.end <= cut for c in cands)
    assert "24" not in [c.text for c in cands]  # "so t = 24" comes after the answer


def test_a_stated_answer_with_a_unit_is_read() -> None:
    for text, value in [
        ("48 (days)", 48),
        ("9 (apples)", 9),
        ("15  (seats)", 15),
        ("7 (t-shirts)", 7),
        ("0.59 (dollar)", Fraction(59, 100)),
        ("2.50 (dollar/pound)", Fraction(5, 2)),
        ("$5", 5),
        ("5 cm", 5),
        ("5 cm.", 5),
        ("Rs.6000", 6000),
    ]:
        assert answer_values(text) == [Fraction(value)], text
    for text in ("3:30 p.m.", "Mrs. Hilt", "The 60th caller.", "5 apples and 6 pears"):
        assert answer_values(text) == [], text
    # an ASDiv formula as ``--source math`` hands it over: the answer column appended
    solution = "6+4=10; 10*3=30\nThe answer is: 30 (feet)"
    texts = [c.text for c in find_candidates("6 and 4 more", solution, answer="30 (feet)")]
    assert texts == ["10"]


def test_each_reject_reason_has_its_own_detail() -> None:
    from pairgen.strategies.math.strategy import REJECT_DETAILS

    reasons = {
        "no_final_answer", "results_all_in_problem", "results_all_equal_final_answer",
        "only_unreduced_fractions", "only_operands", "only_zero_bounds", "only_in_asy", "only_in_layout",
        "only_in_annotations", "results_only_in_final_answer", "no_result_slot",
    }  # fmt: skip
    assert set(REJECT_DETAILS) == reasons
    assert len(set(REJECT_DETAILS.values())) == len(reasons)
    assert reject_reason("", "Total = 12 * 5 = 60") == "no_final_answer"
    assert "--column answer=COLUMN" in REJECT_DETAILS["no_final_answer"]


def test_a_stated_answer_written_as_an_expression_protects_its_numbers() -> None:
    """AQuA's option ``(M + N) / 8``: the step ``4 + 4 = 8`` computes the answer's 8, so it
    is never edited (conformance finding); ``answer_values`` reads no value from it."""
    from pairgen.strategies.math.rule import find_candidates

    problem = "An athlete runs M miles in 4 hours, then bikes N miles in 4 hours. Average speed?"
    solution = "Total time is 4 + 4 = 8 hours and the distance is M + N = 3 steps.\nAnswer: A"
    values = {c.text for c in find_candidates(problem, solution)}
    assert "8" in values  # without the stated answer, 8 is a result like any other
    assert "8" not in {c.text for c in find_candidates(problem, solution, answer="(M + N) / 8")}


def test_a_case_value_in_prose_maths_is_a_hypothesis() -> None:
    """AQuA's rationales are prose without ``$``: "consider what would happen if x = -2 and
    y = 1" tries values, it computes none (the conformance run's last flagged pair)."""
    from pairgen.strategies.math.rule import find_candidates

    problem = "If x<0, y>0 and |x^3| > |y^2|, which must be true?"
    solution = (
        "First, x^3 = -8 gives 8 = 2 * 4 = 8.\n"
        "(B) need not hold - consider what would happen if x = -2 and y = 1.\nAnswer: D"
    )
    texts = {c.text for c in find_candidates(problem, solution)}
    assert "1" not in texts and "2" not in texts
