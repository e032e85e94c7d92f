"""What a training run returns and ``report.json`` holds, as typed records.

``train()`` returns a :class:`TrainResult`; the report, the plots and the CLI read its
attributes, and ``pairgen report RUN`` reads ``report.json`` back into the same record
(:meth:`TrainResult.from_dict`), so a fresh run and a stored one are reported by the same
code.  The held-out measurements stay mappings of
:class:`~pairgen.training.measure.Measurement`'s field names to numbers: over several
seeds they are means with ``None`` where no seed had a value, and the table reads them
by column name.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass, field, fields
from typing import Any

Values = dict[str, Any]  # a measurement (Measurement's field names) or a stored section


@dataclass(slots=True)
class LossResult:
    """One loss's run: its hyper-parameters, final held-out measurement, effects, speed."""

    hyper: Values
    lr: float | None = None
    eval: Values = field(default_factory=dict)
    seconds: float = math.nan
    pairs_per_second: float = math.nan
    suffix: Values | None = None
    choice: Values | None = None
    grad_cosine_start: Values | None = None
    grad_cosine_end: Values | None = None
    saved_to: str | None = None


@dataclass(slots=True)
class ModelInfo:
    name: str
    source: str = ""
    parameters: int = 0
    trained_parameters: int = 0
    device: str = "cpu"
    dtype: str = "float32"


@dataclass(slots=True)
class DataInfo:
    """What tokenization kept and how the pairs were split."""

    tokenize: Values = field(default_factory=dict)
    train_pairs: int = 0
    eval_pairs: int = 0
    tokens: dict[str, int] = field(default_factory=dict)


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
class SeedRun:
    """One seed's numbers, as the report tables and the verdict read them."""

    seed: int
    reference: dict[str, Values]
    losses: dict[str, LossResult]


@dataclass(slots=True)
class TrainResult:
    """A whole run (over all its seeds when ``per_seed`` is set)."""

    config: Values
    model: ModelInfo
    data: DataInfo
    reference: dict[str, Values]  # "eval" (all held-out pairs), "curve" when fewer
    losses: dict[str, LossResult]
    prefix_sharing: bool = True
    max_length: Values = field(default_factory=dict)
    cost: RunCost | None = None
    seconds: float = math.nan
    verdict: Values = field(default_factory=dict)
    per_seed: list[SeedRun] = field(default_factory=list)

    def runs(self) -> list[SeedRun]:
        """One :class:`SeedRun` per seed (a one-seed run is its own)."""
        if self.per_seed:
            return self.per_seed
        return [SeedRun(int(self.config.get("seed", 0)), self.reference, self.losses)]

    def as_dict(self) -> Values:
        """The record as plain JSON-able values (report.json)."""
        return asdict(self)

    @classmethod
    def from_dict(cls, data: Values) -> TrainResult:
        """The record from report.json (keys it does not know are ignored)."""
        model = data.get("model") or {}
        return cls(
            config=data.get("config") or {},
            model=ModelInfo(**known(ModelInfo, model)) if model else ModelInfo("?"),
            data=DataInfo(**known(DataInfo, data.get("data") or {})),
            reference=data.get("reference") or {"eval": {}},
            losses=losses_of(data.get("losses") or {}),
            prefix_sharing=bool(data.get("prefix_sharing", True)),
            max_length=data.get("max_length") or {},
            cost=RunCost(**known(RunCost, data["cost"])) if data.get("cost") else None,
            seconds=float(data.get("seconds") or math.nan),
            verdict=data.get("verdict") or {},
            per_seed=[
                SeedRun(int(s["seed"]), s["reference"], losses_of(s["losses"]))
                for s in data.get("per_seed") or []
            ],
        )


def known(kind: type, values: Values) -> Values:
    """The entries of ``values`` that are fields of the dataclass ``kind``."""
    names = {f.name for f in fields(kind)}
    return {k: v for k, v in values.items() if k in names}


def losses_of(values: Values) -> dict[str, LossResult]:
    return {name: LossResult(**known(LossResult, r)) for name, r in values.items()}


__all__ = ["DataInfo", "LossResult", "ModelInfo", "RunCost", "SeedRun", "TrainResult", "Values"]
