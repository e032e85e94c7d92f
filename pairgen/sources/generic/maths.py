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
An answer that is an option letter in either case (``D``, ``(B)``, ``c``, ``c)``) is
resolved to its option's text through the ``choices`` column; when no ``choices`` column
is mapped and the problem text does not list the option (``(D) 42``), or the mapped column
does not give that option (options stored as one string such as MathQA's
``"a ) 78 , b ) 5 , ..."``, or a list without that letter), the row is rejected as
``option_letter_answer``: without the option's value the strategy could not keep a pair
off the answer's own value (AQuA-RAT and MathQA rationales end ``answer : d`` after
computing it).  A ``choices`` value that is text is read only when it is a list written
as text (:func:`pairgen.sources.choice_rows.parse_text_list`); any other text is never
split on guessed separators, and a row holding one is rejected as ``unread_options``
whatever its answer, so a mapped column is never silently ignored.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from pairgen.errors import RowRejected
from pairgen.record import Example
from pairgen.sources.base import require_text
from pairgen.sources.choice_rows import parse_text_list
from pairgen.sources.final_answer import final_answer_start
from pairgen.sources.generic.base import GenericSource, role_columns
from pairgen.sources.generic.template import PromptTemplate
from pairgen.sources.worked_solution import not_worked

ANSWER_LINE = "\nThe answer is: {answer}"
STATED_ANSWER_KEY = "stated_answer"
# an option letter as an answer column writes it: "C", "(C)", "C)", "c"; A to J in either
# case (MathQA writes "c"; a lone "x" is a value, not an option)
_OPTION_LETTER_RE = re.compile(r"\s*\(?([A-Ja-j])\)?\s*")
# an option's own label before its text: ``D)50``, ``(d) 50``, ``( a ) 19``, ``d ) 50``
_OPTION_LABEL_RE = re.compile(r"\s*(?:\(\s*([A-Za-z])\s*\)|([A-Za-z])\s*\))\s*")


def option_list(options: object) -> list[str] | None:
    """``options`` as a list of strings: a list, or a list written as text (JSON or a
    Python literal); ``None`` for anything else (one string of options is never split)."""
    if isinstance(options, str):
        return parse_text_list(options)
    if isinstance(options, (list, tuple)) and all(isinstance(o, str) for o in options):
        return [str(o) for o in options]
    return None


def option_text(options: object, letter: str) -> str | None:
    """The text of the option ``letter`` (either case) names in ``options`` (a list of
    strings, :func:`option_list`): the option whose own label is that letter (``"D)8"``,
    ``"d ) 8"``, ``"( d ) 8"``), else -- only when no option carries a label -- the one at
    that letter's position (A the first); ``None`` when there is none: labelled options
    none of which is the letter's are not counted by position (that would guess)."""
    options = option_list(options)
    if options is None:
        return None
    wanted = letter.upper()
    labelled = False
    for option in options:
        label = _OPTION_LABEL_RE.match(option)
        if label is not None:
            labelled = True
            if (label.group(1) or label.group(2)).upper() == wanted:
                return str(option[label.end() :])
    index = ord(wanted) - ord("A")
    return str(options[index]) if not labelled and 0 <= index < len(options) else None


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
        self.check_options(row)
        if answer is not None:
            if final_answer_start(solution) is None:
                solution = solution.rstrip() + ANSWER_LINE.format(answer=answer)
            meta[STATED_ANSWER_KEY] = self.answer_text(row, answer, question)
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

    def check_options(self, row: Mapping[str, Any]) -> None:
        """Reject a row whose mapped ``choices`` value is text that is no list: it is
        never split on guessed separators, nor silently ignored (module doc)."""
        column = self.columns.get("choices")
        value = None if column is None else row.get(column)
        if isinstance(value, str) and value.strip() and option_list(value) is None:
            raise RowRejected(
                "unread_options",
                f"column {column!r} holds one string, not a list of options: "
                f"{_shown(value)}; store the options as a list (JSON Lines, Parquet: "
                '["a ) 78", "b ) 5", ...]) or as a JSON list of strings, and map '
                "--column choices=COLUMN to it",
            )

    def answer_text(self, row: Mapping[str, Any], answer: str, question: str) -> str:
        """What the answer says: an option letter's option text (the ``choices`` column's
        option with that letter); the answer itself when it is no option letter, or when
        no ``choices`` column is mapped and the problem lists the option (``(D) 42``).
        Rejects an option letter whose option nobody states (module doc)."""
        letter = _OPTION_LETTER_RE.fullmatch(answer)
        if letter is None:
            return answer
        column = self.columns.get("choices")
        if column is not None:
            text = option_text(row.get(column), letter.group(1))
            if text is not None and text.strip():
                return text
            seen = f"column {column!r} holds {_shown(row.get(column))}, with no option {answer!r}"
        elif _listed(letter.group(1), question):
            return answer
        else:
            seen = "neither the problem nor a --column choices= mapping states that option"
        raise RowRejected(
            "option_letter_answer",
            f"column {self.columns['answer']!r} is the option letter {answer!r}, and {seen}, "
            "so the answer's value is unknown and a pair could edit it: map --column "
            "choices=COLUMN to the column listing the options",
        )


def _listed(letter: str, question: str) -> bool:
    """Whether the problem lists option ``letter`` (either case): ``(C)`` not glued to a
    word or bracket before it (``f(c)`` and ``P(A)`` are no options), or ``C)`` starting a
    line."""
    listed = re.compile(
        rf"(?<![\w)\]])\({re.escape(letter)}\)|(?m:^[ \t]*{re.escape(letter)}\))", re.IGNORECASE
    )
    return listed.search(question) is not None


def _shown(value: object) -> str:
    """A raw value for a one-line detail: its repr, cut at 60 characters."""
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


__all__ = ["ANSWER_LINE", "STATED_ANSWER_KEY", "GenericMath", "option_list", "option_text"]
