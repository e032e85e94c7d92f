"""MetaMathQA (``meta-math/MetaMathQA``): augmented GSM8K and MATH questions with answers.

A row is ``{"query", "response", "type", "original_question"}``.  ``type`` names the
origin and augmentation (``GSM_``/``MATH_`` x ``AnsAug``/``Rephrased``/``SV``/``FOBAR``);
responses end with ``The answer is: X`` (sometimes glued to the previous sentence) and
MATH rows carry LaTeX.  Only ``query`` and ``response`` make the pair, so only they are
required; ``type`` and ``original_question`` are kept in ``Example.meta`` when they are
strings (``""`` otherwise), so MetaMathQA derivatives without them still load.  There is
no id column: the source id is the row index.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from pairgen.sources.base import QuestionAnswerSource


def _optional_text(row: Mapping[str, Any], column: str) -> str:
    value = row.get(column)
    return value if isinstance(value, str) else ""


class MetaMath(QuestionAnswerSource):
    """MetaMathQA, the dataset Smaug's MetaMath DPO pairs were made from."""

    name = "metamath"
    hub_repo = "meta-math/MetaMathQA"
    configs = ("default",)
    splits = ("train",)
    question_column = "query"
    solution_column = "response"
    required_columns = ("query", "response")
    text_columns = ("type", "original_question")
    # GSM_* rows by the arithmetic rule, MATH_* rows by the math rule (strategies/by_type)
    default_strategy = "by_type"
    license = "mit"
    pretty_name = "MetaMathQA"
    citation = """@article{yu2023metamath,
  title={MetaMath: Bootstrap Your Own Mathematical Questions for Large Language Models},
  author={Yu, Longhui and Jiang, Weisen and Shi, Han and Yu, Jincheng and Liu, Zhengying and
    Zhang, Yu and Kwok, James T and Li, Zhenguo and Weller, Adrian and Liu, Weiyang},
  journal={arXiv preprint arXiv:2309.12284},
  year={2023}
}"""

    def example_meta(self, row: Mapping[str, Any]) -> dict[str, Any]:
        return {
            "type": _optional_text(row, "type"),
            "original_question": _optional_text(row, "original_question"),
        }


__all__ = ["MetaMath"]
