"""GSM8K (``openai/gsm8k``): grade-school maths word problems with worked answers.

A row is ``{"question", "answer"}``; the answer is the step-by-step solution with GSM8K's
calculator annotations (``<<48/2=24>>24``) and a final ``#### 72`` line.  The answer is
kept verbatim as the solution: the arithmetic strategy understands the annotations (and
can strip them, ``ArithmeticOptions.strip_annotations``).  GSM8K has no id column, so the
source id is the row index within the split.
"""

from __future__ import annotations

from pairgen.sources.base import QuestionAnswerSource


class GSM8K(QuestionAnswerSource):
    """Grade School Math 8K, config ``main`` (the ``socratic`` config is not supported)."""

    name = "gsm8k"
    hub_repo = "openai/gsm8k"
    configs = ("main",)
    splits = ("train", "test")
    question_column = "question"
    solution_column = "answer"
    required_columns = ("question", "answer")
    default_strategy = "arithmetic"
    license = "mit"
    pretty_name = "GSM8K"
    citation = """@article{cobbe2021gsm8k,
  title={Training Verifiers to Solve Math Word Problems},
  author={Cobbe, Karl and Kosaraju, Vineet and Bavarian, Mohammad and Chen, Mark and
    Jun, Heewoo and Kaiser, Lukasz and Plappert, Matthias and Tworek, Jerry and
    Hilton, Jacob and Nakano, Reiichiro and
    Hesse, Christopher and Schulman, John},
  journal={arXiv preprint arXiv:2110.14168},
  year={2021}
}"""


__all__ = ["GSM8K"]
