"""What a training run returns and ``report.json`` holds, as typed records.

``train()`` returns a :class:`TrainResult`; the report, the plots and the CLI read its
attributes, and ``pairgen report RUN`` reads ``report.json`` back into the same record
(:meth:`TrainResult.from_dict`), so a fresh run and a stored one are reported by the same
code.  ``report.json`` is the record written field by field in declaration order
(:func:`plain`): the order of the fields below is the order of its keys, which users and
``benchmarks/train.py`` read.  Torch-free, so ``pairgen report`` needs no torch.
"""

from __future__ import annotations

import json
import math
from collections import Counter
from dataclasses import dataclass, field, fields, is_dataclass
from typing import Any

from pairgen.training.config import TrainConfig
from pairgen.training.measurements import (
    ChoiceEffect,
    GradCosine,
    JsonObject,
    Measurement,
    SuffixEffect,
    measurement_dict,
    number,
    stored_measurement,
)


def plain(value: Any) -> Any:
    """``value`` as JSON values: a record by its own ``as_dict`` where it has one, else
    field by field in declaration order; containers element by element."""
    if is_dataclass(value) and not isinstance(value, type):
        as_dict = getattr(value, "as_dict", None)
        return as_dict() if as_dict is not None else fields_dict(value)
    if isinstance(value, dict):
        return {k: plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [plain(v) for v in value]
    return value


def fields_dict(record: Any) -> JsonObject:
    """A dataclass's fields as JSON values, in declaration order."""
    return {f.name: plain(getattr(record, f.name)) for f in fields(record)}


def known(kind: type, values: JsonObject) -> JsonObject:
    """The entries of ``values`` that are fields of the dataclass ``kind`` (a report.json
    from another version may have more)."""
    names = {f.name for f in fields(kind)}
    return {k: v for k, v in values.items() if k in names}


def without_nan(value: Any) -> Any:
    """NaN/inf (an undefined loss, an empty region) as null, so report.json is strict JSON."""
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, dict):
        return {k: without_nan(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [without_nan(v) for v in value]
    return value


@dataclass(slots=True)
class TokenizeReport:
    """What tokenization did to the pairs: kept, truncated, and skipped with a reason."""

    read: int = 0
    kept: int = 0
    truncated: int = 0
    skipped: Counter[str] = field(default_factory=Counter)

    def as_dict(self) -> JsonObject:
        return {
            "read": self.read,
            "kept": self.kept,
            "truncated": self.truncated,
            "skipped": dict(self.skipped),
        }

    @classmethod
    def from_dict(cls, values: JsonObject) -> TokenizeReport:
        stored = known(cls, values)
        return cls(**{**stored, "skipped": Counter(stored.get("skipped") or {})})


@dataclass(slots=True)
class LossResult:
    """One loss's run: its hyper-parameters, final held-out measurement (None without
    held-out pairs), the analysis's effects, speed, and where its model was saved."""

    hyper: dict[str, float | None]
    lr: float | None = None
    eval: Measurement | None = None
    seconds: float = math.nan
    pairs_per_second: float = math.nan
    suffix: SuffixEffect | None = None
    choice: ChoiceEffect | None = None
    grad_cosine_start: GradCosine | None = None
    grad_cosine_end: GradCosine | None = None
    saved_to: str | None = None

    def as_dict(self) -> JsonObject:
        return {**fields_dict(self), "eval": measurement_dict(self.eval)}

    @classmethod
    def from_dict(cls, values: JsonObject) -> LossResult:
        stored = known(cls, values)

        def section(name: str, read: Any) -> Any:
            return read(stored[name]) if stored.get(name) else None

        return cls(
            **{
                **stored,
                "eval": stored_measurement(stored.get("eval")),
                "seconds": number(stored.get("seconds")),
                "pairs_per_second": number(stored.get("pairs_per_second")),
                "suffix": section("suffix", SuffixEffect.from_dict),
                "choice": section("choice", ChoiceEffect.from_dict),
                "grad_cosine_start": section("grad_cosine_start", GradCosine.from_dict),
                "grad_cosine_end": section("grad_cosine_end", GradCosine.from_dict),
            }
        )


def losses_of(values: JsonObject) -> dict[str, LossResult]:
    return {name: LossResult.from_dict(r) for name, r in values.items()}


@dataclass(slots=True)
class ModelInfo:
    name: str
    source: str = ""
    parameters: int = 0
    trained_parameters: int = 0
    device: str = "cpu"
    dtype: str = "float32"


@dataclass(frozen=True, slots=True)
class Attention:
    """The attention implementation the run trained with, and why (``--attention``).

    ``asked`` is the flag (``auto``, ``sdpa`` or ``flex``); ``used`` transformers' name of
    what the model ran (``sdpa``, ``eager``, ``flex_attention``); ``why`` says in words
    how ``asked`` became ``used`` on ``device`` (for ``auto``: the devices it picks
    FlexAttention on, ``AUTO_FLEX_DEVICES`` in :mod:`pairgen.training.loop.attention`).
    """

    asked: str
    used: str
    device: str
    why: str

    def sentence(self) -> str:
        """The record in one line, as the report and the console show it."""
        return f"{self.used} (--attention {self.asked} on {self.device}: {self.why})"


@dataclass(slots=True)
class DataInfo:
    """What tokenization kept and how the pairs were split."""

    tokenize: TokenizeReport = field(default_factory=TokenizeReport)
    train_pairs: int = 0
    eval_pairs: int = 0
    tokens: dict[str, int] = field(default_factory=dict)

    @classmethod
    def from_dict(cls, values: JsonObject) -> DataInfo:
        stored = known(cls, values)
        return cls(**{**stored, "tokenize": TokenizeReport.from_dict(stored.get("tokenize") or {})})


@dataclass(slots=True)
class RunCost:
    """What the run forwarded, beyond the steps themselves (see docs/training-cost.md)."""

    trained_pairs: int  # distinct training pairs the steps used
    reference_pairs_computed: int
    reference_pairs_reused: int  # found in the cache (an earlier seed, same start)
    padded_slots_per_token: float  # in the training batches
    forward_tokens: int  # tokens per forward-only batch
    curve_pairs: int  # held-out pairs measured between the first and the last step


@dataclass(slots=True)
class MaxLength:
    """The max length the run used, and how it was chosen, in words."""

    tokens: int
    how: str


@dataclass(slots=True)
class References:
    """The reference model's own row: on every held-out pair (``eval``; None without
    held-out pairs) and on the curve pairs when those are fewer (``curve``)."""

    eval: Measurement | None = None
    curve: Measurement | None = None

    def as_dict(self) -> JsonObject:
        curve = {} if self.curve is None else {"curve": self.curve.as_dict()}
        return {"eval": measurement_dict(self.eval), **curve}

    @classmethod
    def from_dict(cls, values: JsonObject) -> References:
        return cls(stored_measurement(values.get("eval")), stored_measurement(values.get("curve")))


@dataclass(slots=True)
class SeedRun:
    """One seed's numbers, as the report tables and the verdict read them."""

    seed: int
    reference: References
    losses: dict[str, LossResult]

    @classmethod
    def from_dict(cls, values: JsonObject) -> SeedRun:
        reference = References.from_dict(values["reference"])
        return cls(int(values["seed"]), reference, losses_of(values["losses"]))


@dataclass(slots=True)
class Verdict:
    """Whether the pairs validate (None: not evaluated, and why), check by check."""

    validated: bool | None
    tolerance: float
    reason: str = ""  # why it was not evaluated
    checks: dict[str, bool] = field(default_factory=dict)
    ordering: str = ""  # the after-edit log-probs, in words
    seeds_failing: list[int] = field(default_factory=list)

    def as_dict(self) -> JsonObject:
        if self.validated is None:
            return {"validated": None, "reason": self.reason, "tolerance": self.tolerance}
        return {
            "validated": self.validated,
            "checks": dict(self.checks),
            "ordering": self.ordering,
            "seeds_failing": list(self.seeds_failing),
            "tolerance": self.tolerance,
        }

    @classmethod
    def from_dict(cls, values: JsonObject) -> Verdict:
        return cls(**known(cls, {"tolerance": 0.05, **values}))


@dataclass(slots=True)
class TrainResult:
    """A whole run (over all its seeds when ``per_seed`` is set)."""

    config: TrainConfig
    model: ModelInfo
    data: DataInfo
    reference: References
    losses: dict[str, LossResult]
    prefix_sharing: bool = True
    attention: Attention | None = None  # None in a report.json from before it was recorded
    max_length: MaxLength | None = None
    cost: RunCost | None = None
    seconds: float = math.nan
    verdict: Verdict | None = None  # set when the report is written
    per_seed: list[SeedRun] = field(default_factory=list)

    def runs(self) -> list[SeedRun]:
        """One :class:`SeedRun` per seed (a one-seed run is its own)."""
        if self.per_seed:
            return self.per_seed
        return [SeedRun(self.config.seed, self.reference, self.losses)]

    def as_dict(self) -> JsonObject:
        """The record as plain JSON-able values (report.json)."""
        out = fields_dict(self)
        out["attention"] = {} if self.attention is None else fields_dict(self.attention)
        out["max_length"] = {} if self.max_length is None else fields_dict(self.max_length)
        out["verdict"] = {} if self.verdict is None else self.verdict.as_dict()
        return out

    def to_json(self) -> str:
        """report.json's text (NaN written as null)."""
        return json.dumps(without_nan(self.as_dict()), indent=2, default=str, allow_nan=False)

    @classmethod
    def from_dict(cls, data: JsonObject) -> TrainResult:
        """The record from report.json (keys it does not know are ignored)."""
        model = data.get("model") or {}
        return cls(
            config=TrainConfig.from_dict(data.get("config") or {}),
            model=ModelInfo(**known(ModelInfo, model)) if model else ModelInfo("?"),
            data=DataInfo.from_dict(data.get("data") or {}),
            reference=References.from_dict(data.get("reference") or {}),
            losses=losses_of(data.get("losses") or {}),
            prefix_sharing=bool(data.get("prefix_sharing", True)),
            attention=Attention(**known(Attention, data["attention"]))
            if data.get("attention")
            else None,
            max_length=MaxLength(**data["max_length"]) if data.get("max_length") else None,
            cost=RunCost(**known(RunCost, data["cost"])) if data.get("cost") else None,
            seconds=float(data.get("seconds") or math.nan),
            verdict=Verdict.from_dict(data["verdict"]) if data.get("verdict") else None,
            per_seed=[SeedRun.from_dict(s) for s in data.get("per_seed") or []],
        )


__all__ = [
    "Attention",
    "DataInfo",
    "LossResult",
    "MaxLength",
    "ModelInfo",
    "References",
    "RunCost",
    "SeedRun",
    "TokenizeReport",
    "TrainResult",
    "Verdict",
    "fields_dict",
    "known",
    "plain",
    "without_nan",
]
