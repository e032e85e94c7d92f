"""MMLU (``cais/mmlu``): 57 subjects of four-choice questions.

Hub schema: ``question``, ``subject`` (``abstract_algebra``, ...), ``choices`` (a list of
four texts) and ``answer`` (the index of the right one, 0-3).  Config ``all`` holds every
subject (one config per subject too); splits ``test``, ``validation``, ``dev`` (5 per
subject, the usual few-shot exemplars) and ``auxiliary_train``.  Three pairs per
question, the gold answer chosen.
"""

from __future__ import annotations

from pairgen.sources.generic.choice import GenericChoice


class MMLU(GenericChoice):
    """Measuring Massive Multitask Language Understanding (Hendrycks et al., 2021)."""

    name = "mmlu"
    hub_repo = "cais/mmlu"
    configs = ("all",)
    splits = ("auxiliary_train", "dev", "validation", "test")
    answer_kind = "index"  # a 0-based index (an int; digits as text in a CSV)
    answer_base = 0
    license = "mit"
    pretty_name = "MMLU"
    citation = """@article{hendryckstest2021,
  title={Measuring Massive Multitask Language Understanding},
  author={Dan Hendrycks and Collin Burns and Steven Basart and Andy Zou and
    Mantas Mazeika and Dawn Song and Jacob Steinhardt},
  journal={Proceedings of the International Conference on Learning Representations (ICLR)},
  year={2021}
}"""


__all__ = ["MMLU"]
