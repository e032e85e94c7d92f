"""``--source math``: any maths dataset with a problem column and a worked-solution column.

Roles: ``question`` (alias ``prompt``; default column ``problem``), ``solution`` (default
``solution``), optional ``answer`` (a separate final-answer column, as in NuminaMath-style
sets) and ``id``.  Defaults fit the MATH schema, so ``--source math`` with no mapping reads
MATH-style rows, and its bundled samples are the MATH preset's.

Final answer convention: a solution states its final answer with ``\\boxed{...}``,
``#### X`` or ``The answer is: X`` (the MATH strategy never edits it, nor anything after
it).  When an ``answer`` column is mapped and the solution states no final answer,
``\\nThe answer is: X`` is appended (MetaMathQA's form), so the pair keeps the answer.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from pairgen.record import Example
from pairgen.sources.base import require_text
from pairgen.sources.generic.base import GenericSource, role_columns
from pairgen.sources.generic.template import PromptTemplate

FINAL_ANSWER_MARKERS = ("\\boxed", "\\fbox", "The answer is", "####")
ANSWER_LINE = "\nThe answer is: {answer}"


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
    roles = ("question", "solution", "answer", "id")
    required_roles = ("question", "solution")
    columns = role_columns(question="problem", solution="solution")
    template = PromptTemplate.parse("Question: {question}\nAnswer:\n")

    def text_roles(self) -> tuple[str, ...]:
        return ("question", "solution")

    def to_example(
        self, row: Mapping[str, Any], *, config: str, split: str, row_index: int
    ) -> Example:
        solution = require_text(row, self.columns["solution"])
        answer_column = self.columns.get("answer")
        if answer_column is not None and not any(m in solution for m in FINAL_ANSWER_MARKERS):
            answer = row.get(answer_column)
            if answer is not None and str(answer).strip():
                solution = solution.rstrip() + ANSWER_LINE.format(answer=str(answer).strip())
        return Example(
            source=self.name,
            config=config,
            split=split,
            source_id=self.source_id(row, row_index),
            question=require_text(row, self.columns["question"]),
            solution=solution,
            meta=self.example_meta(row),
        )


__all__ = ["ANSWER_LINE", "FINAL_ANSWER_MARKERS", "GenericMath"]
