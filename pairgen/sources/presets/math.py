"""MATH (``hendrycks/competition_math``): competition maths with LaTeX worked solutions.

Hub schema: ``problem``, ``level`` (``"Level 1"``..``"Level 5"``, a few ``"Level ?"``),
``type`` (Algebra, Counting & Probability, Geometry, Intermediate Algebra, Number Theory,
Prealgebra, Precalculus) and ``solution``, whose final answer is the first
``\\boxed{...}``; solutions carry inline ``$...$`` and display ``\\[...\\]`` maths and
Asymptote ``[asy]`` drawings.  Paired by the ``math`` strategy.
"""

from __future__ import annotations

from pairgen.sources.generic.maths import GenericMath


class HendrycksMath(GenericMath):
    """The MATH benchmark (Hendrycks et al., 2021), train and test."""

    name = "hendrycks_math"
    hub_repo = "hendrycks/competition_math"
    splits = ("train", "test")
    license = "mit"
    pretty_name = "MATH"
    citation = """@article{hendrycksmath2021,
  title={Measuring Mathematical Problem Solving With the MATH Dataset},
  author={Dan Hendrycks and Collin Burns and Saurav Kadavath and Akul Arora and
    Steven Basart and Eric Tang and Dawn Song and Jacob Steinhardt},
  journal={NeurIPS},
  year={2021}
}"""


__all__ = ["HendrycksMath"]
