"""The final answer is never edited where an olympiad solution writes it in a form the
value reader does not read (OlympiadBench's rows, ARML and Canadian solutions):

* a digit run set as one number by maths mode (``19+20+21=\\mathbf{6 0}``): none of its
  parts is a site, in any tier (:func:`pairgen.strategies.math.values.spaced_digit_spans`);
* the answer column written out in the solution, normalised (``M=\\frac{9}{32}\\sqrt2`` for
  ``\\frac{9}{32} \\sqrt{2}``), or one element of a list answer (``\\theta=\\frac{1}{6}\\pi,
  \\frac56\\pi``), or a tuple answer (``(-1,-9)``): nothing inside is a site;
* a fraction whose value is the answer (``=\\frac{7}{8}`` before ``The answer is:
  $\\frac{7}{8}$``; ``\\frac{30}{10}=3``): its parts are no carried site either, so the
  build never writes a pair its own ``pairgen validate`` refuses
  (:func:`pairgen.strategies.math.stated.answer_text_at`).

The texts are written after OlympiadBench's (He et al., "OlympiadBench: A Challenging
Benchmark for Promoting AGI with Olympiad-Level Bilingual Multimodal Scientific
Problems", arXiv:2402.14008), not copied from it."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pyarrow.parquet as pq
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pairgen.strategies.math.rule import analyse
from pairgen.strategies.math.stated import answer_spans, answer_text_at
from pairgen.strategies.math.values import math_spans, spaced_digit_spans
from pairgen.validate.run import validate_output

SPACED = [  # (problem, solution): every spaced run in the solution is the answer
    (
        "Let $a=19, b=20$, and $c=21$. Compute $\\frac{(a+b+c)^{2}}{a+b+c}$.",
        "The numerator is $(a+b+c)^{2}$, hence the expression equals "
        "$a+b+c=19+20+21=\\mathbf{6 0}$.",
    ),
    (
        "Let $T=13$. Compute $\\pi / V$.",
        "Hence $V=\\frac{\\pi T^{2}}{12}$, and $\\pi / V=12 / T^{2}$. "
        "With $T=13, V=\\frac{\\mathbf{1 2}}{\\mathbf{1 6 9}}$.",
    ),
    (
        "Let $T=37$. Compute the total surface area.",
        "The edges are $36$ and $40$, so the total surface area is $6(36)(40)=\\mathbf{8 6 4 0}$.",
    ),
    (
        "Let $T=12$. Compute $d$.",
        "Each angle is $\\frac{180^{\\circ} \\cdot(T-2)}{T}$. With $T=12, d=\\mathbf{1 5 0}$.",
    ),
    (
        "Compute the length.",
        "$$\n\\begin{aligned}\nL & =\\frac{5 \\pi}{4} \\sqrt{1^{2}+4^{2}} \\\\\n"
        "& =\\frac{5 \\pi}{\\mathbf{4}} \\sqrt{\\mathbf{1 7}}\n\\end{aligned}\n$$",
    ),
]


def _runs(solution: str) -> list[tuple[int, int]]:
    """Where the solution writes a bold spaced run (found here without the rule's code)."""
    spans, at = [], solution.find("\\mathbf{")
    while at >= 0:
        body = at + len("\\mathbf{")
        spans.append((body, solution.index("}", body)))
        at = solution.find("\\mathbf{", body)
    return [(s, e) for s, e in spans if " " in solution[s:e]]


@pytest.mark.parametrize(("problem", "solution"), SPACED)
def test_no_part_of_a_spaced_digit_run_is_a_site_in_any_tier(problem: str, solution: str) -> None:
    answered = solution + "\nThe answer is: 1"
    runs = _runs(answered)
    assert runs
    for tier in (1, 2, 3):
        for c in analyse(problem, answered, tier)[0]:
            assert not any(s < c.end and c.start < e for s, e in runs), (tier, c)


@settings(max_examples=60, deadline=None)
@given(st.lists(st.integers(0, 9), min_size=2, max_size=5), st.sampled_from(["mathbf", "textbf"]))
def test_a_spaced_run_in_maths_is_never_edited(digits: list[int], bold: str) -> None:
    run = " ".join(map(str, digits))
    solution = f"So $x=41+43-2=\\{bold}{{{run}}}$.\nThe answer is: 7"
    start = solution.index(run)
    for tier in (1, 2, 3):
        for c in analyse("Compute $x$.", solution, tier)[0]:
            assert c.end <= start or c.start >= start + len(run), (tier, c)


@pytest.mark.parametrize(
    "text",
    ["$\\frac{1}{\\log_2 64} = \\frac16$", "$\\sin^4 20^\\circ = \\frac{1}{9}$"],
)
def test_a_script_or_argument_digit_is_no_part_of_a_run(text: str) -> None:
    """``\\log_2 64`` is log base 2 of 64: the script takes one digit, so 64 is its own
    number (MATH's row 8995 keeps its carried site)."""
    assert spaced_digit_spans(text, math_spans(text)) == []


def test_the_answer_written_out_normalised_is_protected() -> None:
    solution = "so $M=\\frac{9}{32}\\sqrt2$, with $x = 5$.\nThe answer is: x"
    written = answer_spans(solution, "$\\frac{9}{32} \\sqrt{2}$")
    assert [solution[s:e] for s, e in written] == ["\\frac{9}{32}\\sqrt2"]
    listed = "$\\theta=\\frac{1}{6}\\pi, \\frac56\\pi$ and $y=\\frac{1}{60}$"
    found = [listed[s:e] for s, e in answer_spans(listed, "\\dfrac{1}{6} \\pi, \\frac{5}{6} \\pi")]
    assert "\\frac{1}{6}\\pi" in found and "\\frac56\\pi" in found
    assert not any("60" in text for text in found)  # an element is never glued to digits
    tuple_ = "are $(-1,-9)$ and $(4+2 \\sqrt{2}, 8)$ while $(-1,-90)$ is not"
    assert [tuple_[s:e] for s, e in answer_spans(tuple_, "$(-1,-9),(4+2 \\sqrt{2}, 8)$")] == [
        "(-1,-9)",
        "(4+2 \\sqrt{2}, 8)",
    ]


def test_a_fraction_whose_value_is_the_answer_is_protected_in_its_parts() -> None:
    text = "the probability is $1-\\frac{1}{8}=\\frac{7}{8}$."
    eight = text.rindex("8")
    assert answer_text_at(text, eight, eight + 1, "$\\frac{7}{8}$") == "\\frac{7}{8}"
    assert (
        answer_text_at(text, text.index("1}{8"), text.index("1}{8") + 1, "$\\frac{7}{8}$") is None
    )
    sum_ = "$\\frac{4+25+1}{10}=\\frac{30}{10}=3$"
    ten = sum_.rindex("10")
    assert answer_text_at(sum_, ten, ten + 2, "3") == "\\frac{30}{10}"


ROWS = [  # (id, question, solution, final_answer): each row's only sites are in its answer
    ("m", "Find the largest constant $M$ such that the inequality holds.",
     "Equality holds when all three variables are equal, so $M=\\frac{9}{32}\\sqrt2$.",
     "$\\frac{9}{32} \\sqrt{2}$"),
    ("theta", "Solve $2 \\sin \\theta=1$ for $0 \\leq \\theta \\leq \\pi$.",
     "The sine is one half twice in that range: $\\theta=\\frac{1}{6} \\pi, \\frac56 \\pi$.",
     "$\\frac{1}{6} \\pi, \\frac{5}{6} \\pi$"),
    ("pairs", "Solve the system $x^2=y+10$ and $x y=9$ (approximately).",
     "Substituting, the solutions are $(-1,-9)$ and $(4+2 \\sqrt{2}, 8)$.",
     "$(-1,-9),(4+2 \\sqrt{2}, 8)$"),
    ("coins", "Let $T=$ 3. Suppose that $T$ fair coins are flipped. Compute the probability "
     "that at least one tails is flipped.",
     "The probability of all heads is $\\left(\\frac{1}{2}\\right)^{T}$, so the probability "
     "of at least one tails is $1-\\frac{1}{2^{T}}$. With $T=3$, the desired probability is "
     "$1-\\frac{1}{8}=\\frac{7}{8}$.", "$\\frac{7}{8}$"),
    ("f", "Define $f(a, b)=\\frac{a}{b}+\\frac{b}{a}+\\frac{1}{a b}$. Find $f(2,5)$.",
     "By definition, $f(2,5)=\\frac{2 \\cdot 2+5 \\cdot 5+1}{2 \\cdot 5}=\\frac{4+25+1}{10}"
     "=\\frac{30}{10}=3$.", "3"),
    ("sum", "Let $a=19, b=20$, and $c=21$. Compute $a+b+c$.",
     "It equals $a+b+c=19+20+21=\\mathbf{6 0}$.", "60"),
    ("control", "Solve $2 x+4=16$.", "Subtracting gives $2 x=12$, so $x=6$.", "6"),
]  # fmt: skip


@pytest.mark.parametrize("tier", ["strict", "carried"])
def test_the_build_never_edits_the_answer_and_its_validate_passes(
    tmp_path: Path, tier: str
) -> None:
    data = tmp_path / "in" / "rows.jsonl"
    data.parent.mkdir()
    data.write_text(
        "".join(
            json.dumps({"id": i, "question": q, "solution": s, "final_answer": a}) + "\n"
            for i, q, s, a in ROWS
        )
    )
    out = tmp_path / "out"
    built = subprocess.run(
        [sys.executable, "-m", "pairgen", "build", "--source", "math", "--data-files",
         f"test={data}", "--column", "prompt=question", "--column", "solution=solution",
         "--column", "answer=final_answer", "--column", "id=id", "--math-tier", tier,
         "--out", str(out), "-q", "--allow-rejects"],
        capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert built.returncode == 0, built.stderr
    table = pq.read_table(next((out / "data").rglob("*.parquet"))).to_pylist()
    by_id = {row["source_id"]: row for row in table}
    assert by_id["control"]["chosen_value"] == "12"
    assert set(by_id) <= {"control", "f"}  # f's carried sites are its working's numbers
    if "f" in by_id:
        assert by_id["f"]["edit_start"] < by_id["f"]["chosen"].index("=\\frac{30}{10}")
    report = validate_output(out, input_dirs=[data.parent])
    assert report.ok, [v.reason for v in report.violations]
