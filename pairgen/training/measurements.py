"""The numbers a run measures, as typed records (torch-free: ``pairgen report`` reads them).

- :class:`Measurement`: one pass over pairs (a training step, a held-out evaluation, the
  reference's own row), the columns of the report's table; :class:`MetricRow` is one
  line of ``metrics.jsonl``.
- :class:`SuffixEffect`, :class:`ChoiceEffect`, :class:`GradCosine`: what the analysis
  (:mod:`pairgen.training.analysis`) measures on a trained model beyond the table;
  :class:`QuestionOutcome` is one line of ``choices.jsonl``.

Each record is written to JSON field by field in declaration order
(:func:`pairgen.training.results.plain`), so the field order below *is* the key order
of ``report.json`` and ``metrics.jsonl``; ``from_dict`` reads a stored record back.
An undefined number (an empty region, no loss for the reference) is NaN in memory and
``null`` in ``report.json``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field, fields
from typing import Any

JsonObject = dict[str, Any]  # what json.dumps writes and json.loads reads back


def number(value: Any) -> float:
    """A stored number; ``null`` (NaN written by report.json) or absent reads as NaN.

    An int stays an int, so a count rewritten by ``pairgen report`` stays ``8``, not ``8.0``.
    """
    if value is None:
        return math.nan
    return value if isinstance(value, int) else float(value)


@dataclass(frozen=True, slots=True)
class Measurement:
    """Means over pairs; rewards are ``log π - log π_ref`` (no β) so all losses compare.

    ``pairs`` is a count, but a float where it is a mean (over the micro-batches of one
    step in ``metrics.jsonl``, over seeds in the report), as it has always been written.
    """

    pairs: float
    loss: float
    reward_accuracy: float
    reward_margin: float
    chosen_logp: float
    rejected_logp: float
    chosen_reward: float
    rejected_reward: float
    before: float
    at: float
    after: float

    def as_dict(self) -> JsonObject:
        return {f.name: getattr(self, f.name) for f in fields(self)}

    @classmethod
    def from_dict(cls, values: JsonObject) -> Measurement:
        """A stored measurement; a column it lacks reads as NaN (shown as a dash)."""
        return cls(**{f.name: number(values.get(f.name)) for f in fields(cls)})

    @classmethod
    def mean(cls, rows: list[Measurement]) -> Measurement:
        """Column-wise mean over ``rows`` (the micro-batches of one optimizer step)."""
        return cls(*(sum(getattr(r, f.name) for r in rows) / len(rows) for f in fields(cls)))


def stored_measurement(values: JsonObject | None) -> Measurement | None:
    """``{}`` (no held-out pairs) reads as None, like a missing section."""
    return Measurement.from_dict(values) if values else None


def measurement_dict(value: Measurement | None) -> JsonObject:
    """None (no held-out pairs) is written as ``{}``, as report.json always had it."""
    return value.as_dict() if value is not None else {}


@dataclass(frozen=True, slots=True)
class MetricRow:
    """One line of ``metrics.jsonl``: a loss's measurement at a step on one split
    (``train``, ``eval``: every held-out pair, ``curve``: the curve pairs); ``seed`` in
    the combined file of ``--seeds N``."""

    objective: str
    step: int
    split: str
    values: Measurement
    seed: int | None = None

    def as_dict(self) -> JsonObject:
        head = {"objective": self.objective, "step": self.step, "split": self.split}
        tail = {} if self.seed is None else {"seed": self.seed}
        return {**head, **self.values.as_dict(), **tail}

    @classmethod
    def from_dict(cls, row: JsonObject) -> MetricRow:
        seed = row.get("seed")
        return cls(
            str(row["objective"]),
            int(row["step"]),
            str(row["split"]),
            Measurement.from_dict(row),
            None if seed is None else int(seed),
        )


@dataclass(frozen=True, slots=True)
class SuffixBin:
    """Held-out pairs with ``tokens_after`` chosen tokens after the edit (``9-16``)."""

    tokens_after: str
    pairs: int
    mean_delta: float


@dataclass(frozen=True, slots=True)
class SuffixEffect:
    """Δ after-edit log-prob against the number of tokens after the edit, per pair."""

    pairs: int
    spearman_rho: float
    p_value: float
    p_method: str
    bins: list[SuffixBin]
    points: list[tuple[int, float]]  # (tokens after the edit, Δ) per pair

    @classmethod
    def from_dict(cls, values: JsonObject) -> SuffixEffect:
        return cls(
            pairs=int(values["pairs"]),
            spearman_rho=number(values.get("spearman_rho")),
            p_value=number(values.get("p_value")),
            p_method=str(values.get("p_method", "")),
            bins=[SuffixBin(**b) for b in values.get("bins", [])],
            points=[(int(a), float(d)) for a, d in values.get("points", [])],
        )


@dataclass(frozen=True, slots=True)
class ChoiceAccuracy:
    """lm-evaluation-harness's acc and acc_norm over held-out multiple-choice questions."""

    questions: int
    acc: float
    acc_norm: float


@dataclass(frozen=True, slots=True)
class QuestionOutcome:
    """One held-out question as one model scored it: a line of ``choices.jsonl``.

    ``labels`` are the question's choice labels (see
    :func:`pairgen.training.analysis.choice_accuracy.question_outcome` for their order);
    ``answer``, ``predicted`` (acc) and ``predicted_norm`` (acc_norm) index them, as do
    ``loglik`` (each choice's log-likelihood) and ``bytes`` (the UTF-8 length acc_norm
    divides by), so any other normalisation can be recomputed from the file.
    """

    model: str  # "reference" or a loss
    seed: int
    question: str  # the pairs' id less the pair index: config/split/source_id
    source_id: str
    labels: list[str]
    answer: int
    predicted: int
    predicted_norm: int
    correct: bool
    correct_norm: bool
    loglik: list[float]
    bytes: list[int]

    @classmethod
    def from_dict(cls, values: JsonObject) -> QuestionOutcome:
        return cls(**{f.name: values[f.name] for f in fields(cls)})


@dataclass(frozen=True, slots=True)
class PairedChange:
    """Accuracy of model B minus model A on the same questions, paired question by question.

    ``better``: questions B gets right and A wrong; ``worse``: the reverse (the discordant
    counts).  ``se`` is the standard error of the mean per-question difference;
    ``mcnemar_p`` the exact two-sided McNemar p-value (a binomial test of ``better``
    against ``better + worse`` at 1/2).
    """

    questions: int
    difference: float
    se: float
    better: int
    worse: int
    mcnemar_p: float

    @classmethod
    def from_dict(cls, values: JsonObject) -> PairedChange:
        return cls(
            int(values["questions"]),
            number(values.get("difference")),
            number(values.get("se")),
            int(values["better"]),
            int(values["worse"]),
            number(values.get("mcnemar_p")),
        )


@dataclass(frozen=True, slots=True)
class ChoiceEffect:
    """Multiple-choice accuracy of the reference and of the trained model, same questions;
    the trained model's change in acc and acc_norm, paired; how acc_norm normalises and
    the file of per-question outcomes (both empty in a report.json from before they
    were recorded)."""

    reference: ChoiceAccuracy
    trained: ChoiceAccuracy
    acc_change: PairedChange | None = None
    acc_norm_change: PairedChange | None = None
    acc_norm_by: str = ""
    outcomes: str = ""

    @classmethod
    def from_dict(cls, values: JsonObject) -> ChoiceEffect:
        def change(name: str) -> PairedChange | None:
            return PairedChange.from_dict(values[name]) if values.get(name) else None

        return cls(
            ChoiceAccuracy(**values["reference"]),
            ChoiceAccuracy(**values["trained"]),
            change("acc_change"),
            change("acc_norm_change"),
            str(values.get("acc_norm_by", "")),
            str(values.get("outcomes", "")),
        )


@dataclass(frozen=True, slots=True)
class PairGradient:
    """One pair's gradients of log π_w and log π_l, and its case of the pitfalls paper."""

    id: str
    cosine: float
    grad_norm_w: float
    grad_norm_l: float
    inner: float
    d_w: float
    d_l: float
    case: str


@dataclass(frozen=True, slots=True)
class GradCosine:
    """The gradient cosine over a few held-out pairs: mean, pairs per case, per pair."""

    pairs: int
    mean_cosine: float
    cases: dict[str, int]
    per_pair: list[PairGradient] = field(default_factory=list)

    @classmethod
    def from_dict(cls, values: JsonObject) -> GradCosine:
        return cls(
            pairs=int(values["pairs"]),
            mean_cosine=number(values.get("mean_cosine")),
            cases=dict(values.get("cases", {})),
            per_pair=[
                PairGradient(**{**row, **{k: number(row.get(k)) for k in FLOATS}})
                for row in values.get("per_pair", [])
            ],
        )


FLOATS = ("cosine", "grad_norm_w", "grad_norm_l", "inner", "d_w", "d_l")  # may be null

__all__ = [
    "ChoiceAccuracy",
    "ChoiceEffect",
    "GradCosine",
    "JsonObject",
    "Measurement",
    "MetricRow",
    "PairGradient",
    "PairedChange",
    "QuestionOutcome",
    "SuffixBin",
    "SuffixEffect",
    "measurement_dict",
    "number",
    "stored_measurement",
]
