r"""Issue 20's third hand reading: 100 strict and 100 carried pairs drawn afresh from all
12,500 MATH rows, 34 of them no computed result.  Each refusal below is general and is
tested on a real MATH solution's text (MIT license; Hendrycks et al., "Measuring
Mathematical Problem Solving With the MATH Dataset", arXiv:2103.03874), trimmed; the
token under test is marked ``⟦..⟧``.  Each refused token was a site before its refusal
(so the test fails without it); a neighbour that *was* computed stays a site.
"""

from __future__ import annotations

import pytest

from pairgen.strategies.math import rule
from pairgen.strategies.math.layout import layout_spans


def _unmark(marked: str) -> tuple[str, int, int]:
    start = marked.index("⟦")
    end = marked.index("⟧") - 1
    return marked.replace("⟦", "").replace("⟧", ""), start, end


def site(marked: str, problem: str = "", max_tier: int = 3) -> bool:
    """Whether the marked token is a site of the solution at some tier up to ``max_tier``."""
    solution, start, end = _unmark(marked)
    cands = rule.analyse(problem, solution, max_tier)[0]
    return any((c.start, c.end) == (start, end) for c in cands)


# --- layout arguments ----------------------------------------------------------------------

_PROBLEM = r"Express the quotient $1023_4 \div 11_4$ in base 4."
_DIVISION = (
    "We may carry out long division in base 4 just as in base 10. We have  \\[\n"
    "\\begin{array}{cc|cccc}\n\\multicolumn{⟦2⟧}{r}{} & & & 3 & 3 \\\\\n\\cline{3-6}\n"
    "1 & 1 & 1 & 0 & 2 & 3 \\\\\n\\multicolumn{2}{r}{} && 3&3& \\downarrow \\\\ \\cline{4-5}\n"
    "\\multicolumn{2}{r}{} && 0&3&3 \\\\\n\\multicolumn{2}{r}{} && & 3&3 \\\\ \\cline{5-6}\n"
    "\\multicolumn{2}{r}{} && & & 0 \\\\\n\\end{array}\n\\]for a quotient of $\\boxed{33_4}$. "
    "Note that in the above calculation we have used that "
    "$11_4\\cdot3_4=5_{10}\\cdot3_{10}=15_{10}=33_4$. Then, for the second step we used "
    "$33_4$ divided by $11_4$ is $3_4$."
)
_PLAIN = _DIVISION.replace("{⟦2⟧}", "{2}")


@pytest.mark.parametrize(
    ("column", "marked"),
    [
        (r"\cline{3-6}", r"\cline{⟦3⟧-6}"),
        (r"\cline{5-6}", r"\cline{⟦5⟧-6}"),
        (r"\cline{5-6}", r"\cline{5-⟦6⟧}"),
    ],
)
def test_layout_arguments_were_carried_sites_and_are_no_more(column, marked):
    marked = _PLAIN.replace(column, marked)
    solution, start, end = _unmark(marked)
    assert any(s <= start and end <= e for s, e in layout_spans(solution))
    assert not site(marked, _PROBLEM)


@pytest.mark.parametrize(
    "marked",
    [
        r"\[\begin{array}{c|c} \multicolumn{⟦3⟧}{c}{x} \\ 5 & 3 \end{array}\]",
        r"\[ 5 \hspace{⟦5⟧mm} 9 \\[⟦5⟧pt] 1 \]",
        r"\[ 5 \hspace{5mm} 9 \\[⟦5⟧pt] 1 \]",
        r"\begin{tabular}{c *{⟦40⟧}{@{}c}} 1 & 1 \end{tabular}",
        r"\begin{array}{@{}c@{\;}c@{}c} & 2 & 9 \\ \cline{1-⟦6⟧} \end{array}",
        r"\[\rule{⟦0⟧pt}{3ex} x \vspace*{⟦2⟧ex}\]",
    ],
)
def test_layout_spans_cover_every_layout_argument(marked):
    solution, start, end = _unmark(marked)
    assert any(s <= start and end <= e for s, e in layout_spans(solution))


def test_cells_of_a_layout_stay_values():
    # the content of a cell is maths: a computed 33 in \multicolumn's cell stays a site
    marked = r"We have $11 \cdot 3 = ⟦33⟧$ and \[\begin{array}{c} \multicolumn{2}{r}{33} \end{array}\] so $\boxed{7}$."
    assert site(marked)
    assert rule.reject_reason("", r"So \[\cline{2-3}\] and $\boxed{4}$.", 3) in (
        "only_in_layout",
        "no_result_slot",
    )
