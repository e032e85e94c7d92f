"""The typed records of a run: written to JSON in field order, read back unchanged."""

from __future__ import annotations

import json
import math
from pathlib import Path

from pairgen.training.config import TrainConfig
from pairgen.training.measurements import (
    ChoiceAccuracy,
    ChoiceEffect,
    GradCosine,
    Measurement,
    MetricRow,
    PairedChange,
    PairGradient,
    SuffixBin,
    SuffixEffect,
)
from pairgen.training.results import (
    Attention,
    DataInfo,
    LossResult,
    MaxLength,
    ModelInfo,
    References,
    RunCost,
    SeedRun,
    TokenizeReport,
    TrainResult,
    Verdict,
)

MEASURED = Measurement(3, 0.6, 1.0, 1.2, -20.0, -25.0, 0.1, -1.1, -0.5, -3.0, -0.4)


def full_result() -> TrainResult:
    loss = LossResult(
        hyper={"beta": 0.1, "lam": 50.0},
        lr=1e-3,
        eval=MEASURED,
        seconds=2.5,
        pairs_per_second=6.4,
        suffix=SuffixEffect(
            2, -1.0, 0.5, "permutation test", [SuffixBin("1-8", 2, -0.2)], [(3, -0.1), (5, -0.3)]
        ),
        choice=ChoiceEffect(
            ChoiceAccuracy(4, 0.25, 0.5),
            ChoiceAccuracy(4, 0.5, 0.75),
            PairedChange(4, 0.25, 0.25, 1, 0, 1.0),
            PairedChange(4, 0.25, 0.25, 2, 1, 1.0),
            "bytes of the choice text",
            "choices.jsonl",
        ),
        grad_cosine_start=GradCosine(
            1, 0.9, {"case2": 1}, [PairGradient("q/0", 0.9, 1.0, 2.0, 1.8, 0.5, 0.5, "case2")]
        ),
        saved_to="models/dpop",
    )
    return TrainResult(
        config=TrainConfig(out_dir=Path("out"), run_dir=Path("runs/x"), save_model=Path("m")),
        model=ModelInfo("tiny", "random init", 100, 100),
        data=DataInfo(TokenizeReport(5, 4, 1), 3, 1, {"pairs": 4}),
        reference=References(MEASURED, MEASURED),
        losses={"dpop": loss},
        attention=Attention("auto", "sdpa", "cpu", "auto picks FlexAttention only on cuda"),
        max_length=MaxLength(64, "set by --max-length"),
        cost=RunCost(3, 4, 0, 0.02, 4096, 1),
        seconds=9.0,
        verdict=Verdict(None, 0.05, reason="needs both --loss dpo and --loss dpop"),
        per_seed=[SeedRun(0, References(MEASURED), {"dpop": loss})],
    )


def test_every_record_reads_back_as_it_was_written() -> None:
    result = full_result()
    text = result.to_json()
    back = TrainResult.from_dict(json.loads(text))
    assert back == result
    assert back.to_json() == text


def test_report_json_keys_keep_their_order() -> None:
    stored = json.loads(full_result().to_json())
    assert list(stored) == [
        "config",
        "model",
        "data",
        "reference",
        "losses",
        "prefix_sharing",
        "attention",
        "max_length",
        "cost",
        "seconds",
        "verdict",
        "per_seed",
    ]
    assert list(stored["losses"]["dpop"]) == [
        "hyper",
        "lr",
        "eval",
        "seconds",
        "pairs_per_second",
        "suffix",
        "choice",
        "grad_cosine_start",
        "grad_cosine_end",
        "saved_to",
    ]
    assert stored["verdict"] == {
        "validated": None,
        "reason": "needs both --loss dpo and --loss dpop",
        "tolerance": 0.05,
    }
    assert stored["config"]["out_dir"] == "out" and stored["reference"]["curve"]["pairs"] == 3


def test_no_held_out_pairs_is_an_empty_section() -> None:
    result = full_result()
    result.reference = References()
    result.losses["dpop"].eval = None
    stored = json.loads(result.to_json())
    assert stored["reference"] == {"eval": {}} and stored["losses"]["dpop"]["eval"] == {}
    back = TrainResult.from_dict(stored)
    assert back.reference.eval is None and back.losses["dpop"].eval is None


def test_undefined_numbers_are_null_and_read_back_as_nan() -> None:
    row = MetricRow("dpo", 0, "eval", Measurement(*([math.nan] * 11)), seed=3)
    assert list(row.as_dict())[:3] == ["objective", "step", "split"]
    assert list(row.as_dict())[-1] == "seed"
    stored = {"pairs": 8, "loss": None}
    measured = Measurement.from_dict(stored)
    assert isinstance(measured.pairs, int) and math.isnan(measured.loss)
    assert math.isnan(measured.after)  # a column the stored row lacks


def test_a_report_from_before_attention_and_paired_choices_reads_back() -> None:
    """report.json of an earlier version: no attention, a choice section of accuracies
    alone; the report says acc_norm was the older length and shows no change."""
    from pairgen.training.analysis.report import markdown
    from pairgen.training.analysis.report_effects import OLD_ACC_NORM

    stored = json.loads(full_result().to_json())
    del stored["attention"]
    for run in (stored["losses"], stored["per_seed"][0]["losses"]):
        choice = run["dpop"]["choice"]
        for key in ("acc_change", "acc_norm_change", "acc_norm_by", "outcomes"):
            del choice[key]
    back = TrainResult.from_dict(stored)
    choice = back.losses["dpop"].choice
    assert back.attention is None and choice is not None
    assert (choice.acc_change, choice.acc_norm_change, choice.acc_norm_by) == (None, None, "")
    text = markdown(back)
    assert OLD_ACC_NORM in text and "Attention:" not in text
