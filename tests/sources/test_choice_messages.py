"""What ``--source choice`` says when a user's rows are nearly right (issue 19, a new
user's datasets): an answer that differs from a choice only by case (Coin Flip's ``"No"``
of ``["yes", "no"]``), options stored as a ``{"A": text, ...}`` mapping (SAT-math style),
and ``--keep-column`` naming a pair column.  Each stays a refusal -- pairgen does not
guess -- with a message that says what to change.  Built by the real command line."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from pairgen_rows import write_jsonl

COIN = [
    {"question": f"A coin is heads up. {name} flips the coin. Is the coin still heads up?",
     "options": ["yes", "no"], "answer": "No"}
    for name in ("Cheri", "Rico", "Teo", "Jesus")
]  # fmt: skip
SAT = [
    {"question": f"If $3x + {n} = {3 * n + n}$, what is $x$?",
     "options": {"A": str(n - 1), "B": str(n), "C": str(n + 1), "D": str(2 * n)}, "answer": "B"}
    for n in range(2, 6)
]  # fmt: skip


def build(tmp_path: Path, rows: list[dict[str, object]], *args: str) -> str:
    data = write_jsonl(tmp_path / "rows.jsonl", rows)
    result = subprocess.run(
        [sys.executable, "-m", "pairgen", "build", "--source", "choice",
         "--data-files", f"test={data}", *args, "--out", str(tmp_path / "out")],
        capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert result.returncode == 2, result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: "), result.stderr
    return lines[0]


def test_an_answer_that_differs_only_by_case_is_refused_with_the_choice_named(
    tmp_path: Path,
) -> None:
    line = build(tmp_path, COIN, "--column", "choices=options", "--answer-kind", "text")
    assert "rejected as unknown_answer_key" in line
    assert (
        "answer 'No' is no label, index or choice text (matches choice 'no' ignoring case" in line
    )
    assert "fix the case" in line


def test_a_label_to_text_mapping_of_options_says_to_flatten_it(tmp_path: Path) -> None:
    line = build(tmp_path, SAT, "--column", "choices=options")
    assert "rejected as malformed_choices" in line
    assert "label->text mapping (A, B, C, D), which is not read" in line
    assert "--column choices=A,B,C,D" in line


def test_keeping_a_column_named_like_a_pair_column_suggests_a_template_field(
    tmp_path: Path,
) -> None:
    rows = [{**row, "source": "coin_flip"} for row in COIN]
    line = build(tmp_path, rows, "--column", "choices=options", "--keep-column", "source")
    assert line.startswith("error: --keep-column source: a pair column has that name already")
    assert "{source} in --template" in line and "rename" in line


MATHQA = [
    {"query": f"Q: what is {n} + {n}? Answer Choices: (A) {n} (B) {2 * n} (C) {3 * n} (D) 0",
     "choices": ["A", "B", "C", "D"], "gold": 1}
    for n in range(2, 7)
]  # fmt: skip


def test_choices_that_are_only_their_labels_are_refused_naming_the_column(
    tmp_path: Path,
) -> None:
    """MathQA's form (issue 26): the option texts live in the question, the choices
    column holds ``A``..``D``; pairs ``(D) D`` vs ``(A) A`` would exit 0 meaning nothing."""
    line = build(tmp_path, MATHQA, "--column", "question=query", "--column", "answer=gold")
    assert "5 of 5 rows (100%) rejected as label_only_choices, none paired" in line
    assert "are only labels, not the options' texts" in line
    assert "column 'choices' holds only the options' labels" in line
    assert "--column choices=COLUMN" in line


def test_decorated_and_lower_case_label_choices_are_label_only() -> None:
    from pairgen.sources.choices import labels_only

    assert labels_only(["(A)", "(B)", "(C)"], ["A", "B", "C"])
    assert labels_only(["a", "b", "c", "d"], ["A", "B", "C", "D"])
    assert labels_only(["1", "2", "3"], ["1", "2", "3"])  # its own labels
    assert not labels_only(["1", "2", "3", "4"], ["A", "B", "C", "D"])  # a count may be asked
    assert not labels_only(["B", "A", "C"], ["A", "B", "C"])  # letters as real options
    assert not labels_only(["A", "B", "yes"], ["A", "B", "C"])


LOGIQA = [
    {"question": f"Which option follows from premise {n}?", "options": ["p", "q", "r", "s"],
     "answer": "abcd"[n % 4]}
    for n in range(4)
]  # fmt: skip


def test_a_lower_case_answer_letter_is_refused_naming_the_label_it_matches(
    tmp_path: Path,
) -> None:
    """LogiQA answers ``a``..``d`` (issue 26): no guess, but the line says what matches."""
    line = build(tmp_path, LOGIQA, "--column", "choices=options")
    assert "rejected as unknown_answer_key" in line
    assert "answer 'a' is no label, index or choice text (matches label 'A' ignoring case" in line
    assert "upper-case it" in line


YES_NO = [
    {"question": f"Is {n} even?", "choices": ["yes", "no"], "answer": n % 2 == 0} for n in range(4)
]


def test_a_boolean_answer_is_refused_as_a_boolean_not_as_unlabeled(tmp_path: Path) -> None:
    """``answer: true`` of ``["yes", "no"]`` (issue 26): the row has an answer, one that
    names no choice; the line says so instead of "the row has no answer label"."""
    line = build(tmp_path, YES_NO)
    assert "rejected as unknown_answer_key" in line
    assert "answer True is a boolean, not a label, index or choice text; map it" in line
    assert "no answer label" not in line
