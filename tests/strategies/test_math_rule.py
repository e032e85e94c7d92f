"""The MATH intermediate-result rule: handwritten cases (asy, boxed, operands, conventions,
problem numbers, labels, real MetaMathQA rows) and properties of generated solutions."""

from __future__ import annotations

import random
import re
from fractions import Fraction
from types import SimpleNamespace

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pairgen.errors import RowRejected
from pairgen.record import Example
from pairgen.strategies import StrategyOptions, build_strategy
from pairgen.strategies.math import rule, values, wrong
from pairgen.strategies.math.check import check_math_pair
from pairgen.strategies.math.tiers import EDIT_KINDS

from pairgen_rows import edit_start

STRATEGY = build_strategy("math", StrategyOptions())


def _make_pair(problem: str, sol: str, rng: random.Random, tier: int = 2) -> tuple:
    (pair,) = STRATEGY.make_pairs(Example("math", "default", "train", "0", problem, sol), rng)
    return pair.chosen, pair.rejected, edit_start(pair), pair.chosen_value, pair.rejected_value


def _check_pair(problem: str, chosen: str, rejected: str) -> str | None:
    """The validator's verdict, with the edit columns a build would have stored."""
    at = next(
        (i for i, (a, b) in enumerate(zip(chosen, rejected, strict=False)) if a != b), len(chosen)
    )
    token = next((m for m in values.VALUE_RE.finditer(chosen) if m.start() <= at < m.end()), None)
    old = token.group() if token else ""
    new = rejected[token.start() : token.end() + len(rejected) - len(chosen)] if token else ""
    row = {"prompt": f"Question: {problem}\nAnswer:\n", "shots": 0, "chosen": chosen}
    row.update(rejected=rejected, edit_start=at, chosen_value=old, rejected_value=new)
    sites = rule.analyse(problem, chosen)[0]
    site = next((c for c in sites if token and c.start == token.start()), None)
    row["edit_kind"] = EDIT_KINDS[site.tier] if site else "result"
    return STRATEGY.check_pair(row)


M = SimpleNamespace(
    find_candidates=lambda p, s, tier=2: rule.find_candidates(p, s, min(tier, 2)),
    reject_reason=rule.reject_reason,
    wrong_value=wrong.wrong_value,
    VALUE_RE=values.VALUE_RE,
    _match_value=values.match_value,
    final_answer_start=values.final_answer_start,
    make_pair=_make_pair,
    check_pair=_check_pair,
    RowRejected=RowRejected,
)


def texts(problem: str, solution: str, max_tier: int = 2) -> list[str]:
    return [c.text for c in M.find_candidates(problem, solution, max_tier)]


# --- the rule, on handwritten examples -------------------------------------------------


def test_result_after_equals_is_a_candidate_operands_are_not():
    sol = r"We have $3\cdot 4 = 12$ and $12 + 5 = 17$, so the answer is $\boxed{17}$."
    # 12 (result); 17 equals the final answer; 3, 4, 5 are operands; 12 in "12 + 5" too
    assert texts("Find the value.", sol) == ["12"]


def test_decomposition_operands_are_not_results():
    # 14, 23, 1 are operands of 14*23 + 1 (none follows a relation AND ends the
    # expression); 323, a whole side of the relation, is given, so no candidate at all
    problem = "What is the remainder when 323 is divided by 23?"
    sol = r"Since $323 = 14\cdot 23 + 1$, the remainder is $\boxed{1}$."
    assert texts(problem, sol) == []
    assert M.reject_reason(problem, sol) == "results_all_in_problem"
    sol = r"Since $14\cdot 23 + 1 = 323 + 0 \cdot 5$, the remainder is $\boxed{1}$."
    assert M.reject_reason(problem, sol) == "only_operands"


def test_chain_end_is_the_result():
    sol = r"$$11\cdot 9 = 99 + 0 = 99.$$ Then $AB/AC = 5/15 = 1/3$. So $\boxed{0}$."
    # 99 after "=" ends the chain ("." follows); "99 + 0": 99 followed by +; 5/15 is not in
    # lowest terms; 1/3 is a result
    assert texts("Compute.", sol) == ["99", "1/3"]


def test_nothing_inside_asy():
    sol = '[asy]\nreal r = 7;\ndraw((0,0)--(8,0));\nlabel("$9$", (4,0));\n[/asy]\n'
    sol += r"So $x = 6$ and $\boxed{2}$."
    assert texts("Find x.", sol, max_tier=3) == ["6"]
    assert M.reject_reason("", "[asy] a = 5; [/asy] $\\boxed{1}$") == "only_in_asy"


def test_unclosed_asy_runs_to_the_end():
    sol = r"[asy] a = 5; b = 7. $\boxed{1}$"
    assert texts("", sol, max_tier=3) == []


def test_nothing_at_or_after_first_boxed():
    sol = r"$x = 4$, so $\boxed{x = 5}$, then $y = 6$ and $\boxed{7}$."
    assert texts("", sol, max_tier=3) == ["4"]


def test_answer_is_and_hashes_conventions():
    assert texts("", "So 48/2 = 24 clips.\nThen 3 + 5 = 8 more.\n#### 72") == ["24", "8"]
    sol = "So $5\\cdot 3 = 15$.\nThe answer is: 16"
    assert texts("", sol) == ["15"]
    # MetaMathQA MATH_AnsAug keeps the \boxed and adds the line: the first marker wins
    sol = r"So $2\cdot 3 = 6$ and $6 + 4 = \boxed{10}$." + "\nThe answer is: 10"
    assert texts("", sol) == ["6"]
    assert M.final_answer_start("no marker here, x = 5.") is None
    assert M.reject_reason("", "x = 5.") == "no_final_answer"


def test_value_equal_to_final_answer_is_excluded():
    # "360/24 = 15" restates the final answer; it is not an intermediate result.
    sol = "Each hour it turns $360/24 = 15$ degrees.\nThe answer is: 15"
    assert texts("360 degrees in one day", sol, max_tier=3) == []
    assert M.reject_reason("360 degrees in one day", sol) == "results_all_equal_final_answer"


def test_problem_numbers_compared_numerically():
    problem = r"A price of $\$1,\!200$ rises by $3.0$ percent; half is $\frac12$; ten days."
    sol = (
        r"$a = 1200$, $b = 3$, $c = 0.5$, $d = 10$, $e = -3$, $f = 36$. "
        r"$\boxed{0}$"
    )
    # 1200 == 1,\!200; 3 == 3.0; 0.5 == 1/2; ten is a number word; -3 is unsigned 3
    assert texts(problem, sol) == ["36"]


def test_suffixes_degrees_percent_currency():
    sol = (
        r"$\angle A = 144^\circ$, the rate $r = 25\%$, the cost $=\$12.50$, and "
        r"$2^5 = 2^5$, $n = 121_3$. $\boxed{0}$"
    )
    assert texts("", sol) == ["144", "25", "12.50"]


def test_prose_results():
    sol = (
        r"Adding them gives 83. The area is $\frac{25}{3}$. It is 3 times bigger. "
        r"$\boxed{0}$"
    )
    # "is 3 times": 3 does not end the clause
    assert texts("", sol) == ["83", r"\frac{25}{3}"]


def test_labels_years_equation_numbers_are_not_candidates():
    sol = (
        r"Step 1: consider Case 2 in equation (3). In 1999 we note $x^2$ grows. "
        r"$\boxed{0}$"
    )
    assert texts("", sol, max_tier=3) == []


def test_tier2_standalone_only_when_no_tier1():
    sol = r"The figure has $8$ sides and $x = 12$. $\boxed{0}$"
    assert [(c.text, c.tier) for c in M.find_candidates("", sol)] == [("12", 1)]
    sol = r"The figure has $8$ sides, so there are 20 diagonals. $\boxed{0}$"
    assert [(c.text, c.tier) for c in M.find_candidates("", sol)] == [("8", 2), ("20", 2)]
    # operands in prose are not standalone: (3+6, 4 + 5), "7 ="
    sol = r"Ways to roll a 9: (3+6, 4 + 5, 5+4), and 7 = 7 + 0 leaves 12 rolls. $\boxed{1}$"
    assert [(c.text, c.tier) for c in M.find_candidates("", sol)] == [("9", 2), ("12", 2)]
    # a stated unit fact is a convention, no value (issue 20)
    sol = r"There are 24 hours in a day, so $\boxed{15}$."
    assert [(c.text, c.tier) for c in M.find_candidates("", sol)] == []


def test_operands_are_never_results():
    problem = "Convert $10101_3$ to a base 10 integer."
    sol = "$10101_3 = 81 + 9 + 1 = \\boxed{91}$.\nThe answer is: 91"  # real MetaMathQA row
    assert texts(problem, sol) == []
    assert rule.reject_reason(problem, sol) == "only_operands"


def test_coefficient_of_a_one_term_result():
    sol = r"So $r^2 = 25$, and the area is $= 25\pi$; the side is $= 3\sqrt{2}$. $\boxed{1}$"
    assert texts("", sol) == ["25", "25", "3"]
    assert texts("", r"$x = 2\sqrt{3} + 1$ and $\boxed{4}$") == []


def test_validator_through_the_registry_hook():
    problem = "A 5 by 7 rectangle."
    sol = "The area is $5\\cdot 7 = 35$, so $\\boxed{35}$ and more."
    row = {"prompt": problem, "shots": 0, "chosen": sol, "pair_index": 0, "edit_kind": "result"}
    row.update(rejected=sol.replace("= 35", "= 38"), edit_start=20)
    row.update(chosen_value="35", rejected_value="38")
    assert check_math_pair(row) == "not_intermediate_result"  # 35 is the final answer
    sol = "The area is $5\\cdot 7 = 35$, so $x = 36$ and $\\boxed{70}$."
    row.update(chosen=sol, rejected=sol.replace("= 36", "= 39"), edit_start=sol.index("36") + 1)
    row.update(chosen_value="36", rejected_value="39")
    assert STRATEGY.check_pair(row) is None
    assert STRATEGY.check_pair({**row, "edit_start": 3}) == "edit_start_mismatch"
    assert STRATEGY.check_pair({**row, "rejected_value": "38"}) == "value_mismatch"
    assert STRATEGY.check_pair({**row, "pair_index": 1}) is not None
    wide = sol.replace("= 36", "= 360")
    assert STRATEGY.check_pair({**row, "rejected": wide}) == "format_changed"
    # the stored kind must be the site's: 36 is a result, not a standalone value
    assert STRATEGY.check_pair({**row, "edit_kind": "standalone"}) == "edit_kind_mismatch"
    assert STRATEGY.check_pair({**row, "edit_kind": None}) == "edit_kind_mismatch"
    assert STRATEGY.check_pair({**row, "edit_kind": "carried"}) == (
        "carried_edit_without_carried_tier"
    )


def test_real_metamath_row_without_results():
    problem = (
        "Gracie and Joe are choosing numbers on the complex plane. Joe chooses the "
        "point $1+2i$. Gracie chooses $-1+i$. How far apart are Gracie and Joe's points?"
    )
    sol = (
        "The distance between two points $(x_1,y_1)$ and $(x_2,y_2)$ in the complex plane is "
        "given by the formula $\\sqrt{(x_2-x_1)^2+(y_2-y_1)^2}$.\nIn this case, Joe's point is "
        "$(1,2)$ and Gracie's point is $(-1,1)$.\nSo the distance between their points is "
        "$\\sqrt{((-1)-(1))^2+((1)-(2))^2}=\\sqrt{(-2)^2+(-1)^2}=\\sqrt{4+1}=\\sqrt{5}$.\n"
        "Therefore, Gracie and Joe's points are $\\boxed{\\sqrt{5}}$ units apart.\n"
        "The answer is: \\sqrt{5}"
    )
    assert texts(problem, sol) == []


def test_thousands_separators_are_one_token():
    sol = r"So $n = 12,\!345$ and $m = 6{,}789$ and $k = 1,000$. $\boxed{0}$"
    assert texts("", sol) == [r"12,\!345", "6{,}789", "1,000"]


# --- wrong values ----------------------------------------------------------------------


@pytest.mark.parametrize(
    "token, pattern",
    [
        ("24", r"2\d"),
        ("7", r"[1-9]"),
        ("2.50", r"2\.\d\d"),
        ("0.25", r"0\.\d\d"),
        (".5", r"\.\d"),
        ("1,200", r"1,\d{3}"),
        (r"1,\!250", r"1,\\!\d{3}"),
        ("12{,}345", r"12\{,\}\d{3}|1\d\{,\}345"),
        (r"\frac{25}{3}", r"\\frac\{2\d\}\{3\}"),
        (r"\frac{1}{2}", r"\\frac\{1\}\{\d\}"),
        (r"\dfrac12", r"\\dfrac1\d"),
        ("3/8", r"\d/8"),
    ],
)
def test_wrong_value_format(token, pattern):
    for seed in range(30):
        new = M.wrong_value(token, random.Random(seed))
        assert re.fullmatch(pattern, new), (token, new)
        assert new != token
        m_old, m_new = M.VALUE_RE.fullmatch(token), M.VALUE_RE.fullmatch(new)
        assert M._match_value(m_old)[0] != M._match_value(m_new)[0]
        assert M._match_value(m_new)[0] != 0


def test_wrong_value_fractions_stay_reduced_and_proper():
    for seed in range(50):
        v = M._match_value(M.VALUE_RE.fullmatch(M.wrong_value(r"\frac{1}{2}", random.Random(seed))))
        assert v[0] < 1 and v[2]
        v = M._match_value(
            M.VALUE_RE.fullmatch(M.wrong_value(r"\frac{25}{3}", random.Random(seed)))
        )
        assert v[0] > 1 and v[0].denominator == 3


def test_wrong_value_is_deterministic():
    a = [M.wrong_value("135000", random.Random(7)) for _ in range(3)]
    assert len(set(a)) == 1


# --- pairs and the checker -------------------------------------------------------------


def test_make_pair_and_check():
    problem = "Find the sum."
    sol = r"We have $3\cdot 4 = 12$ and $12 + 5 = 17$, so the answer is $\boxed{17}$."
    chosen, rejected, at, old, new = M.make_pair(problem, sol, random.Random(0))
    assert chosen == sol and old == "12" and rejected == sol.replace("= 12$", f"= {new}$")
    assert rejected[at] != chosen[at] and chosen[:at] == rejected[:at]
    assert M.check_pair(problem, chosen, rejected) is None


def test_check_pair_violations():
    problem = "A 5 by 7 rectangle."
    sol = "[asy] real a = 9; [/asy] The area is $5\\cdot 7 = 35$, so $x = 36$ and $\\boxed{70}$."
    assert M.check_pair(problem, sol, sol) == "identical"
    assert M.check_pair(problem, sol, sol.replace("a = 9", "a = 8")) == "edit_in_asy"
    assert (
        M.check_pair(problem, sol, sol.replace("{70}", "{71}")) == "edit_at_or_after_final_answer"
    )
    assert M.check_pair(problem, sol, sol.replace("5\\cdot", "6\\cdot")) == "edit_on_problem_number"
    assert M.check_pair(problem, sol, sol.replace("area", "aria")) == "not_a_value_edit"
    assert M.check_pair(problem, sol, sol.replace("= 35", "= 38")) is None


def test_make_pair_rejects():
    with pytest.raises(M.RowRejected) as e:
        M.make_pair("323", r"$x = 14\cdot 23 + 1$ so $\boxed{1}$", random.Random(0))
    assert e.value.reason == "only_operands"


# --- properties ------------------------------------------------------------------------

NUM = st.one_of(
    st.integers(0, 99999).map(str),
    st.integers(1000, 999999).map(lambda n: f"{n:,}"),
    st.integers(1000, 999999).map(lambda n: f"{n:,}".replace(",", ",\\!")),
    st.tuples(st.integers(0, 999), st.integers(0, 99)).map(lambda t: f"{t[0]}.{t[1]:02d}"),
    st.tuples(st.integers(1, 30), st.integers(2, 30)).map(lambda t: f"\\frac{{{t[0]}}}{{{t[1]}}}"),
    st.tuples(st.integers(1, 30), st.integers(2, 30)).map(lambda t: f"{t[0]}/{t[1]}"),
)
FRAGMENTS = [
    "$x = {a}$",
    "we get {a}. ",
    "$${a} + {b} = {c}$$",
    "\\[ {a}\\cdot {b} = {c} \\]",
    '[asy]draw((0,0)--({a},{b})); label("${c}$", (1,1)); real r = {a};[/asy]',
    "There are {a} ways, ",
    "$\\frac{{{a}}}{{{b}}}$",
    "Step {a}: ",
    "so $y \\approx {a}$, ",
    "$2^{{{a}}} = {b}^{{{c}}}$ ",
    "which is {a}.",
    " $= -{a}$.\n",
    "&= {a} \\\\\n",
    "$a_{{{a}}} = {b}$. ",
    "({a}) ",
    "$\\$ {a}$ ",
    "the $=$ sign {a}",
    "$({a}, -{b})$ and ",
    "$\\{{{a}, {b}, {c}\\}}$ ",
    "$${a}, {b}, {c},$$ ",
    "$= \\begin{{pmatrix}} {a} \\\\ -{b} \\end{{pmatrix}}$ ",
    "$f({a}, {b}) + ({c}, {a})$ ",
    "$x < {a}$, $y \\ge {b}$. ",
    "\\[{a} = x - {b}\\] ",
    "$-{a}$ and $ {b},$ ",
    "$= {a}x^2,$ ",
    "$x \\ge 0$ ",
]
ENDINGS = [
    "So $\\boxed{{{a}}}$.",
    "$\\boxed{{x = {a}}}$ and then $y = {b}$.",
    "\nThe answer is: {a}",
    "\n#### {a}",
    "\\boxed {a}$ and $z = {b}$.",
    "",
]


@st.composite
def rows(draw):
    def fill(template):
        return template.format(a=draw(NUM), b=draw(NUM), c=draw(NUM))

    body = "".join(fill(draw(st.sampled_from(FRAGMENTS))) for _ in range(draw(st.integers(0, 8))))
    sol = body + fill(draw(st.sampled_from(ENDINGS)))
    if draw(st.booleans()):
        sol += fill(draw(st.sampled_from(FRAGMENTS)))  # text after the final answer
    problem = " and ".join(draw(st.lists(NUM, max_size=6))) + " " + draw(st.text(max_size=20))
    return problem, sol


def _independent_problem_numbers(problem: str) -> set[Fraction]:
    """Plain re-derivation: every digit run (thousands separators removed) as a value."""
    flat = re.sub(r"(?<=\d)(?:,\\!|\{,\}|,)(?=\d{3})", "", problem)
    return {Fraction(t) for t in re.findall(r"\d+(?:\.\d+)?|\.\d+", flat)}


# An operand, judged without the rule's code: an arithmetic operator right after the value
# (a degree sign excepted) or right before it (a leading minus is a sign, not an operator).
_OPERATOR_AFTER = re.compile(r"\s*(?:[-+*/_!]|\^(?!\s*\{?\s*\\circ)|\\cdot|\\times|\\div)")
_OPERATOR_BEFORE = re.compile(r"(?:[+*/^_]|\\cdot|\\times|\\div)\s*\Z")


def _assert_invariants(problem: str, sol: str) -> None:
    cut = M.final_answer_start(sol)
    asy = [(m.start(), m.end()) for m in re.finditer(r"\[asy\].*?(?:\[/asy\]|\Z)", sol, re.S)]
    given_values = _independent_problem_numbers(problem)
    for tier in (1, 2):
        for c in M.find_candidates(problem, sol, tier):
            assert cut is not None and c.end <= cut, "candidate at/after the final answer"
            assert not any(s < c.end and c.start < e for s, e in asy), "candidate in [asy]"
            assert sol[c.start : c.end] == c.text
            if c.value in given_values:  # only as the result of an operation on numbers
                before = sol[: c.start].rstrip(" -")
                assert before.endswith("="), "a given value that is no result"
                left = re.split(r"[$=]", before[:-1])[-1]
                # LaTeX's number notation is no variable: \frac{1}{2}, \cdot, \times, \sqrt
                left = re.sub(r"\\(?:[dt]?frac|cdot|times|div|sqrt|left|right)\b", "", left)
                assert not re.search(r"[A-Za-z]", left), "a given value after letters"
            assert not _OPERATOR_AFTER.match(sol, c.end), "candidate followed by an operator"
            assert not _OPERATOR_BEFORE.search(sol, 0, c.start), "candidate after an operator"
            m = M.VALUE_RE.fullmatch(c.text)
            assert m is not None
            if m.group("num") is None:  # a fraction: its value as a whole is new
                assert c.value.denominator > 1
        try:
            chosen, rejected, at, _old, _new = M.make_pair(problem, sol, random.Random(0), tier)
        except M.RowRejected:
            continue
        assert M.check_pair(problem, chosen, rejected) is None
        assert len(rejected) == len(chosen) and at < cut
        assert rejected[cut:] == chosen[cut:]


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(rows())
def test_property_generated_solutions(row):
    _assert_invariants(*row)


@settings(max_examples=300, deadline=None)
@given(
    st.text(alphabet="0123456789.,=$\\{}[]^_+-/ abcfrsyt\n", max_size=40),
    st.text(alphabet="0123456789.,=$\\{}[]^_+-/ abcfrsyt\n", max_size=120),
    st.sampled_from(["", "[asy]", "[/asy]", "\\boxed{", "The answer is: ", "#### ", "\\frac{"]),
    st.integers(0, 120),
)
def test_property_random_text(problem, sol, marker, at):
    sol = sol[:at] + marker + sol[at:]
    _assert_invariants(problem, sol)


@settings(max_examples=300, deadline=None)
@given(NUM, st.integers(0, 2**32))
def test_property_wrong_value(token, seed):
    new = M.wrong_value(token, random.Random(seed))
    assert new == M.wrong_value(token, random.Random(seed))
    assert len(new) == len(token)
    assert re.sub(r"[0-9]", "0", new) == re.sub(r"[0-9]", "0", token)  # same shape
    old_v = M._match_value(M.VALUE_RE.fullmatch(token))[0]
    new_v = M._match_value(M.VALUE_RE.fullmatch(new))[0]
    assert new_v != old_v and new_v != 0
