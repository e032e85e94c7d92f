"""``--source math``: any maths dataset with a problem column and a worked-solution column.

Roles: ``question`` (alias ``prompt``; default column ``problem``), ``solution`` (default
``solution``), optional ``answer`` (a separate final-answer column, as in NuminaMath-style
sets, or an option letter as in AQuA-RAT), optional ``choices`` (the options an answer
letter names: a list such as AQuA-RAT's ``["A)21", "B)6000", ...]``) and ``id``.
Defaults fit the MATH schema, so ``--source math`` with no mapping reads MATH-style rows,
and its bundled samples are the MATH preset's.

Final answer: where a solution states it is :mod:`pairgen.sources.final_answer`
(``\\boxed{...}``, ``#### X``, ``The answer is: X``, ``Answer: D``, ``ANSWER:A``, ...; the
MATH strategy never edits it, nor anything after it).  When an ``answer`` column is mapped
and the solution states no final answer, ``\\nThe answer is: X`` is appended
(MetaMathQA's form), so the pair keeps the answer; a second one is never appended.  The
answer column's text -- for an option letter with ``choices`` mapped, the text of that
option -- goes to the strategy as ``Example.meta[STATED_ANSWER_KEY]``, so a value equal
to it is never edited either.

A solution that is a program or only an expression is rejected as
``not_a_worked_solution`` (:mod:`pairgen.sources.worked_solution`), naming the column.
An answer that is an option letter (``D``, ``(B)``) whose option neither a ``choices``
column nor the problem text states (``(D) 42``) is rejected as ``option_letter_answer``:
without the option's value the strategy could not keep a pair off the answer's own value
(AQuA-RAT rationales end ``Answer: D`` after computing it).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from pairgen.errors import RowRejected
from pairgen.record import Example
from pairgen.sources.base import require_text
from pairgen.sources.final_answer import final_answer_start
from pairgen.sources.generic.base import GenericSource, role_columns
from pairgen.sources.generic.template import PromptTemplate
from pairgen.sources.worked_solution import not_worked

ANSWER_LINE = "\nThe answer is: {answer}"
STATED_ANSWER_KEY = "stated_answer"
# an option letter as an answer column writes it: "C", "(C)", "C)"; upper case, A to J (a
# lone "x" is a value, not an option)
_OPTION_LETTER_RE = re.compile(r"\s*\(?([A-J])\)?\s*")
_OPTION_LABEL_RE = re.compile(r"\s*\(?([A-Za-z])\s*\)\s*")


def option_text(options: object, letter: str) -> str | None:
    """The text of the option ``letter`` names in ``options`` (a list of strings):
    the option whose own label is that letter (``"D)8"``), else the one at that letter's
    position (A the first); ``None`` when there is none."""
    if not isinstance(options, (list, tuple)) or not all(isinstance(o, str) for o in options):
        return None
    wanted = letter.upper()
    for option in options:
        label = _OPTION_LABEL_RE.match(option)
        if label is not None and label.group(1).upper() == wanted:
            return str(option[label.end() :])
    index = ord(wanted) - ord("A")
    return str(options[index]) if 0 <= index < len(options) else None


class GenericMath(GenericSource):
    """Problem and worked solution columns; pairs by the MATH intermediate-result rule."""

    name = "math"
    hub_repo = ""
    default_strategy = "math"
    example_kind = "solution"
    license = "unknown"  # a user's dataset: --license says which
    pretty_name = "your maths dataset"
    citation = ""
    samples_dir = Path(__file__).resolve().parents[1] / "samples" / "hendrycks_math"
    roles = ("question", "solution", "answer", "choices", "id")
    required_roles = ("question", "solution")
    columns = role_columns(question="problem", solution="solution")
    template = PromptTemplate.parse("Question: {question}\nAnswer:\n")

    def text_roles(self) -> tuple[str, ...]:
        return ("question", "solution")

    def to_example(
        self, row: Mapping[str, Any], *, config: str, split: str, row_index: int
    ) -> Example:
        column = self.columns["solution"]
        solution = require_text(row, column)
        seen = not_worked(solution)
        if seen is not None:
            raise RowRejected(
                "not_a_worked_solution",
                f"column {column!r} holds {seen}: the math strategy edits an intermediate "
                "result a solution writes out; map --column solution=COLUMN to a column "
                "of written-out steps",
            )
        meta = self.example_meta(row)
        answer = self.stated_answer(row)
        question = require_text(row, self.columns["question"])
        if answer is not None and self.unknown_option(answer, question):
            raise RowRejected(
                "option_letter_answer",
                f"column {self.columns['answer']!r} is the option letter {answer!r}, and "
                "neither the problem nor a --column choices= mapping states that option, "
                "so the answer's value is unknown and a pair could edit it: map --column "
                "choices=COLUMN to the column listing the options",
            )
        if answer is not None:
            if final_answer_start(solution) is None:
                solution = solution.rstrip() + ANSWER_LINE.format(answer=answer)
            meta[STATED_ANSWER_KEY] = self.answer_text(row, answer)
        return Example(
            source=self.name,
            config=config,
            split=split,
            source_id=self.source_id(row, row_index),
            question=question,
            solution=solution,
            meta=meta,
        )

    def stated_answer(self, row: Mapping[str, Any]) -> str | None:
        """The answer column's value as text, when one is mapped and not empty."""
        answer_column = self.columns.get("answer")
        if answer_column is None:
            return None
        answer = row.get(answer_column)
        if answer is None or not str(answer).strip():
            return None
        return str(answer).strip()

    def unknown_option(self, answer: str, question: str) -> bool:
        """Whether ``answer`` is an option letter whose option nobody states: no
        ``choices`` column is mapped and the problem does not list it (``(C)``, ``C)``)."""
        letter = _OPTION_LETTER_RE.fullmatch(answer)
        if letter is None or self.columns.get("choices") is not None:
            return False
        listed = re.compile(rf"\({letter.group(1)}\)|(?m:^[ \t]*{letter.group(1)}\))")
        return listed.search(question) is None

    def answer_text(self, row: Mapping[str, Any], answer: str) -> str:
        """What the answer says: an option letter's option text when ``choices`` is
        mapped and has it, else the answer itself."""
        choices_column = self.columns.get("choices")
        letter = _OPTION_LETTER_RE.fullmatch(answer)
        if choices_column is None or letter is None:
            return answer
        text = option_text(row.get(choices_column), letter.group(1))
        return answer if text is None else text


__all__ = ["ANSWER_LINE", "STATED_ANSWER_KEY", "GenericMath", "option_text"]
