"""PIQA (``ybisk/piqa``): physical commonsense, a goal and two solutions.

Hub schema: ``goal``, ``sol1``, ``sol2`` and ``label`` (0: ``sol1`` is right, 1:
``sol2``; -1 on the unlabeled test split, which a build leaves out unless named).  The two
solutions are the choices ``(A)`` and ``(B)``; one pair per question.
"""

from __future__ import annotations

from pairgen.sources.generic.base import role_columns
from pairgen.sources.generic.choice import GenericChoice
from pairgen.sources.generic.template import PromptTemplate


class PIQA(GenericChoice):
    """Physical Interaction: Question Answering (Bisk et al., 2020)."""

    name = "piqa"
    hub_repo = "ybisk/piqa"
    configs = ("plain_text",)
    unlabeled_splits = ("test",)  # label -1 on every row
    answer_kind = "index"  # a 0-based index (an int; digits as text in a CSV)
    answer_base = 0
    license = "afl-3.0"
    pretty_name = "PIQA"
    columns = role_columns(question="goal", choices="sol1,sol2", answer="label")
    template = PromptTemplate.parse("Goal: {question}\n{choices}\nAnswer:\n")
    citation = """@inproceedings{Bisk2020,
  author = {Yonatan Bisk and Rowan Zellers and Ronan Le Bras and Jianfeng Gao and Yejin Choi},
  title = {PIQA: Reasoning about Physical Commonsense in Natural Language},
  booktitle = {Thirty-Fourth AAAI Conference on Artificial Intelligence},
  year = {2020},
}"""


__all__ = ["PIQA"]
