"""The arithmetic strategy: which results it finds, the pairs it makes, and the pair check."""

from __future__ import annotations

import random
from decimal import Decimal
from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pairgen.errors import RowRejected
from pairgen.record import Example
from pairgen.strategies import StrategyOptions, build_strategy
from pairgen.strategies.arithmetic.calculator import holds_at
from pairgen.strategies.arithmetic.options import ArithmeticOptions
from pairgen.strategies.arithmetic.results import final_value, is_final_value
from pairgen.strategies.arithmetic.strategy import (
    ArithmeticStrategy,
    check_arithmetic_pair,
    final_answer,
    find_results,
    strip_annotations,
)
from pairgen.strategies.numbers import (
    NUMBER_RE,
    NumberFormat,
    format_number,
    same_format,
    same_value,
)

from pairgen_rows import edit_start

DEFAULT = ArithmeticStrategy(ArithmeticOptions())
STRIP = ArithmeticStrategy(ArithmeticOptions(strip_annotations=True))


def example(solution: str) -> Example:
    return Example("test", "main", "train", "0", "Q?", solution=solution)


def pair(solution: str, seed: int = 0, strategy: ArithmeticStrategy = DEFAULT) -> Example:
    [draft] = strategy.make_pairs(example(solution), random.Random(seed))
    return draft


def check(draft: Example) -> str | None:
    return check_arithmetic_pair(
        draft.chosen, draft.rejected, edit_start(draft), draft.chosen_value, draft.rejected_value
    )


def result_tokens(text: str) -> list[str]:
    return [text[start:end] for start, end, _, _ in find_results(text)]


@pytest.mark.parametrize(
    ("text", "tokens"),
    [
        ("Natalia sold 48/2 = <<48/2=24>>24 clips.\n#### 72", ["24"]),
        ("He earns 12/60 = $<<12/60=0.2>>0.2 a minute.\n#### 12", ["0.2"]),
        ("It is 1,200 * 5 = <<1200*5=6000>>6,000 toys.\n#### 12,000", ["6,000"]),
        ("It was 5 - 12 = <<5-12=-7>>-7 degrees.\n#### 3", ["7"]),
        ("so <<4*6=24>> twenty-four desks\n#### 48", ["24"]),  # annotation without visible
        ("It is <<20*.5=10>>10.00 dollars\n#### 20", ["10.00"]),  # same value, other format
        ("It is <<2*3=6>>7 apples\n#### 7", ["6"]),  # visible of another value: not linked
        ("48/2 = 24 and 3 * 4 = 12\nThe answer is: 36", ["24", "12"]),
        ("x = 5, so 2x = 10.\nThe answer is: 20", ["10"]),  # assignment x = 5 is no result
        ("Then 2 * x = 14, and x = 7.\n#### 7", ["14"]),  # clause break ends the LHS
        ("We have $3 \\times 4 = 12$ and $\\frac{1}{2} = 0.5$.", ["12", "0.5"]),
        ("It costs 4 * \\$1.25 = \\$5.00 and 2 * 3 = €6.", ["5.00", "6"]),
        ("So 6 + 8 = \\boxed{14}.The answer is: 14", []),  # boxed is the final answer
        ("Total 5 + 7 = 12.The answer is: 24", ["12"]),  # glued final answer
        ("It holds 2 * 750 = 1500ml and 3x = 12x.", []),  # glued to a unit or variable
        ("so $3x = 144^\\circ$ and $28 = 2^2 \\cdot 7$.", ["144"]),  # degrees yes, powers no
        ("Then 3 + 4 = 7\n#### 3 + 4 = 7", ["7"]),  # nothing after #### counts
        ("a <= 3, b >= 4, c == 5, 1 != 2", []),
        (
            "\\begin{align*}\n2(x+3) &= 2x + 6 \\\\\n&= 2 \\cdot 5 + 6 \\\\\n&= 16\n\\end{align*}",
            ["16"],  # "&= 16" continues the line above; "&= 2 \\cdot 5" is an operand
        ),
        ("Nothing to compute here.\n#### 7", []),
        ("= 12 apples in 45", []),  # an "=" opening the text has no left-hand side
    ],
)
def test_find_results(text: str, tokens: list[str]) -> None:
    assert result_tokens(text) == tokens


@pytest.mark.parametrize(
    ("text", "answer"),
    [
        ("48 + 24 = 72\n#### 72", "72"),
        ("so 72.\n#### 72\nThe answer is: 72", "72"),
        ("so $42.The answer is: 42", "42"),
        ("so $x = \\boxed{\\frac{1}{2}}$.", "\\frac{1}{2}"),
        ("The answer is: \\frac{1}{2}", "\\frac{1}{2}"),
        ("no final answer at all", None),
    ],
)
def test_final_answer(text: str, answer: str | None) -> None:
    assert final_answer(text) == answer


def test_annotation_and_visible_number_change_together() -> None:
    solution = "Natalia sold 48/2 = <<48/2=24>>24 clips in May.\n#### 72"
    draft = pair(solution)
    new = draft.rejected_value
    assert draft.chosen == solution
    assert draft.chosen_value == "24"
    assert draft.rejected == solution.replace("=24>>24", f"={new}>>{new}")
    assert draft.strategy == "arithmetic"
    # the first changed character is in the annotation result ("=24>>"), not the visible 24
    annotation_result = solution.index("=24>>") + 1
    assert annotation_result <= edit_start(draft) < annotation_result + 2
    assert draft.chosen[: edit_start(draft)] == draft.rejected[: edit_start(draft)]
    assert check(draft) is None


def test_annotation_result_drops_thousands_commas() -> None:
    draft = pair("It sold 1,200 * 5 = <<1200*5=6000>>6,000 toys.\n#### 12000", seed=3)
    plain = draft.rejected_value.replace(",", "")
    assert f"={plain}>>{draft.rejected_value} toys" in draft.rejected
    assert check(draft) is None


def test_strip_annotations_removes_them_from_both_sides() -> None:
    solution = "He sold 48/2 = <<48/2=24>>24 clips.\nThen 48+24 = <<48+24=72>>72 clips.\n#### 72"
    draft = pair(solution, strategy=STRIP)
    assert (
        draft.chosen
        == strip_annotations(solution)
        == ("He sold 48/2 = 24 clips.\nThen 48+24 = 72 clips.\n#### 72")
    )
    assert "<<" not in draft.rejected
    assert check(draft) is None


def test_prepare_strips_annotations_only_when_asked() -> None:
    shot = example("He sold 48/2 = <<48/2=24>>24 clips.\n#### 24")
    assert DEFAULT.prepare(shot) is shot
    assert STRIP.prepare(shot).solution == "He sold 48/2 = 24 clips.\n#### 24"
    assert STRIP.prepare(shot).question == shot.question


def test_strip_annotations_loses_results_with_no_equals_sign() -> None:
    solution = "3 times 7 equals <<3*7=21>>21 marbles.\n#### 42"
    assert pair(solution).chosen_value == "21"
    with pytest.raises(RowRejected) as err:
        pair(solution, strategy=STRIP)
    assert err.value.reason == "no_intermediate_result"


def test_nothing_to_corrupt_is_rejected() -> None:
    with pytest.raises(RowRejected) as err:
        pair("A spider has 8 legs.\n#### 8")
    assert err.value.reason == "no_intermediate_result"


def test_registry_builds_the_strategy_with_its_options() -> None:
    strategy = build_strategy("arithmetic", StrategyOptions(strip_annotations=True))
    assert isinstance(strategy, ArithmeticStrategy)
    assert strategy.strip


def test_pair_depends_only_on_the_rng() -> None:
    solution = "a 1 + 2 = 3, b 3 * 4 = 12, c 12 - 5 = 7, d 7 * 7 = 49.\nThe answer is: 98"
    drafts = {seed: pair(solution, seed) for seed in range(40)}
    assert drafts[5] == pair(solution, 5)
    assert len({d.chosen_value for d in drafts.values()}) == 4  # every result gets picked


BASE = "Natalia sold 48/2 = <<48/2=24>>24 clips.\nShe sold 48+24 = <<48+24=72>>72 clips.\n#### 72"
AT = BASE.index("=24>>") + 2  # the "4" of "=24>>": where a 24 -> 25 edit starts


@pytest.mark.parametrize(
    ("rejected", "edit_start", "values", "reason"),
    [
        (BASE, 21, ("24", "25"), "identical"),
        (BASE.replace("sold 48/2", "sold 48 /2"), 21, ("24", "24"), "structure_changed"),
        (BASE.replace("24>>24 clips", "-25>>-25 clips"), AT, ("24", "25"), "structure_changed"),
        (
            BASE.replace("=24>>24", "=25>>25").replace("=72>>72", "=71>>71"),
            AT,
            ("24", "25"),
            "multiple_numbers_changed",
        ),
        (BASE.replace("48/2 =", "48/3 ="), 17, ("2", "3"), "not_intermediate_result"),
        (BASE.replace("#### 72", "#### 73"), 80, ("72", "73"), "not_intermediate_result"),
        (BASE.replace("=24>>24", "=24>>25"), 31, ("24", "25"), "annotation_inconsistent"),
        (BASE.replace("=24>>24", "=26>>25"), AT, ("24", "25"), "annotation_inconsistent"),
        (BASE.replace("=24>>24", "=25>>25"), AT, ("24", "26"), "value_mismatch"),
        (BASE.replace("=24>>24", "=24.0>>24.0"), 28, ("24", "24.0"), "same_value"),
        (BASE.replace("=24>>24", "=25.0>>25.0"), AT, ("24", "25.0"), "format_changed"),
        (BASE.replace("=24>>24", "=25>>25"), AT - 1, ("24", "25"), "edit_start_mismatch"),
        (BASE.replace("=24>>24", "=25>>25"), AT, ("24", "25"), None),
    ],
)
def test_check_reports_each_violation(
    rejected: str, edit_start: int, values: tuple[str, str], reason: str | None
) -> None:
    assert check_arithmetic_pair(BASE, rejected, edit_start, *values) == reason


def test_check_accepts_a_plain_result_but_not_a_copied_operand() -> None:
    chosen = "It is 4 - 9 = -5 degrees.\n#### 12\nThe answer is: 12"
    ok = chosen.replace("= -5 degrees", "= -7 degrees")
    assert check_arithmetic_pair(chosen, ok, 15, "5", "7") is None
    operand = chosen.replace("4 - 9", "4 - 8")
    assert check_arithmetic_pair(chosen, operand, 10, "9", "8") == "not_intermediate_result"


# -- property tests: solutions generated from templates, every number format -----------

formats = st.sampled_from(["int", "comma", "dec1", "dec2", "dot"])


@st.composite
def number(draw: st.DrawFn) -> str:
    """A number token in one of the formats GSM8K and MetaMathQA use."""
    kind = draw(formats)
    if kind == "int":
        return str(draw(st.integers(0, 999)))
    if kind == "comma":
        return format_number(draw(st.integers(1000, 10**7)), NumberFormat(0, 0, True, False))
    if kind == "dot":
        return "." + str(draw(st.integers(1, 9)))
    places = 1 if kind == "dec1" else 2
    return format_number(draw(st.integers(0, 10**6)), NumberFormat(0, places, False, False))


def exact(value: Fraction) -> str:
    """A terminating decimal written plainly (``-12``, ``0.25``): a calculator's result."""
    text = format(Decimal(value.numerator) / Decimal(value.denominator), "f")
    return text.rstrip("0").rstrip(".") if "." in text else text


@st.composite
def step(draw: st.DrawFn) -> str:
    """One solution line: a calculation written the way one of the sources writes it.

    GSM8K calculator annotations are right (real ones all are): their result is computed.
    """
    a, b, c = draw(number()), draw(number()), draw(number())
    sign, cur, unit = (
        draw(st.sampled_from(["", "-"])),
        draw(st.sampled_from(["", "$"])),
        draw(st.sampled_from(["", "%", " apples", " dollars"])),
    )
    op = draw(st.sampled_from(["+", "-", "*", "/", "x", "\\times", "\\cdot"]))
    x, y = Fraction(a.replace(",", "")), Fraction(b.replace(",", ""))
    product, total, difference = exact(x * y), exact(x + y), exact(y - x)
    return draw(
        st.sampled_from(
            [
                f"So {a} {op} {b} = {cur}{sign}{c}{unit}.",
                f"He has {a}*{b} = {cur}<<{a}*{b}={product}>>{product}{unit}.",
                f"It is <<{a}+{b}={total}>>{total}{unit} in all.",
                f"It changed by {cur}<<{b}-{a}={difference}>>{difference}{unit}.",
                f"We get ${a} {op} {b} = {sign}{c}$.",
                f"Then \\${a} {op} \\${b} = \\${c}.",
            ]
        )
    )


@st.composite
def solution(draw: st.DrawFn) -> str:
    steps = draw(st.lists(step(), min_size=1, max_size=6))
    glue = draw(st.sampled_from(["\n", " "]))
    # now and then a number of the steps, so results equal to the final answer (rule 5)
    answer = draw(st.one_of(number(), st.sampled_from(NUMBER_RE.findall(" ".join(steps)))))
    ending = draw(
        st.sampled_from(
            [
                f"\n#### {answer}",
                f"\n#### {answer}\nThe answer is: {answer}",
                f"The answer is: {answer}",
                f"\nSo the answer is $\\boxed{{{answer}}}$.\nThe answer is: {answer}",
            ]
        )
    )
    return glue.join(steps) + ending


def assert_rejection_is_right(text: str, reason: str) -> None:
    """A row with no result, or only results whose calculator annotation is wrong, rejects
    as ``no_intermediate_result``; one whose every result is the final answer's value
    (rule 5) as ``results_all_equal_final_answer``."""
    results = find_results(text)
    every = find_results(text, final_ok=True)
    if reason == "no_intermediate_result":
        assert all(holds_at(text, r[2] if r[2] >= 0 else r[0]) is False for r in results)
        assert results or every == []
    else:
        assert results == []
        assert reason == "results_all_equal_final_answer"
        final = final_value(text)
        assert every and final is not None
        assert all(is_final_value(text, r, final) for r in every)


@settings(max_examples=300, deadline=None)
@given(solution(), st.integers(0, 2**32), st.booleans())
def test_every_generated_solution_gives_a_valid_minimal_pair(
    text: str, seed: int, strip: bool
) -> None:
    strategy = STRIP if strip else DEFAULT
    try:
        draft = pair(text, seed, strategy)
    except RowRejected as err:  # only a stripped "<<a+b=c>>c in all." has no "="
        assert_rejection_is_right(strip_annotations(text) if strip else text, err.reason)
        assert strip or err.reason == "results_all_equal_final_answer"
        return
    final = final_value(draft.chosen)
    assert final is None or not same_value(draft.chosen_value, final)  # rule 5
    assert draft.chosen != draft.rejected
    assert check(draft) is None
    assert final_answer(draft.rejected) == final_answer(draft.chosen) is not None
    assert same_format(draft.chosen_value, draft.rejected_value)
    assert not same_value(draft.chosen_value, draft.rejected_value)
    assert draft.chosen[: edit_start(draft)] == draft.rejected[: edit_start(draft)]
    assert draft.chosen[edit_start(draft)] != draft.rejected[edit_start(draft)]


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet="0123456789=<>.,$-+*/ x\n#\\{}boxed", max_size=80), st.integers(0, 99))
def test_any_pair_made_from_arbitrary_text_passes_the_check(text: str, seed: int) -> None:
    for strategy in (DEFAULT, STRIP):
        try:
            draft = pair(text, seed, strategy)
        except RowRejected as err:
            assert_rejection_is_right(
                strip_annotations(text) if strategy.strip else text, err.reason
            )
            continue
        assert check(draft) is None, (text, draft)


def test_numbers_too_long_for_int_are_never_results_and_never_crash() -> None:
    big = "9" * 5000  # over Python's 4,300-digit int() limit
    only_big = f"3*2=<<3*2={big}>>{big} apples, and 1 + 1 = {big}.\n#### {big}"
    assert find_results(only_big) == []
    with pytest.raises(RowRejected, match="no_intermediate_result"):
        DEFAULT.make_pairs(example(only_big), random.Random(0))
    mixed = f"{big} + 1 = 7 apples.\n#### {big}"
    (draft,) = DEFAULT.make_pairs(example(mixed), random.Random(0))
    assert draft.chosen_value == "7" and draft.rejected.startswith(big)
    args = (edit_start(draft), draft.chosen_value, draft.rejected_value)
    assert check_arithmetic_pair(draft.chosen, draft.rejected, *args) is None
    tampered = draft.rejected.replace(big, big[:-1] + "8", 1)
    assert check_arithmetic_pair(draft.chosen, tampered, *args) is not None
