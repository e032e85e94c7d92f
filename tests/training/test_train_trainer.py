"""The trainer end to end on the tiny model: outputs, determinism, verdict, CLI, errors."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from pairgen.cli import main
from pairgen.training.analysis.verdict import verdict
from pairgen.training.config import TrainConfig
from pairgen.training.loop.trainer import train as train_loop
from pairgen.training.results import DataInfo, TokenizeReport, TrainResult
from pairgen.training.run import train

from train_shards import metamath_pairs, write_shard

# On the CPU a run is deterministic (same config, same bytes); a GPU run is tested apart.
QUICK = {
    "steps": 4,
    "batch_size": 4,
    "sft_steps": 4,
    "eval_every": 2,
    "progress": False,
    "device": "cpu",
}


def test_outputs_same_start_and_determinism(pairs_dir: Path, tmp_path: Path) -> None:
    cfg = TrainConfig(
        out_dir=pairs_dir,
        run_dir=tmp_path / "a",
        losses=["dpo", "ipo"],
        grad_cosine=True,
        grad_pairs=1,
        **QUICK,
    )
    report = train(cfg)
    run = tmp_path / "a"
    for name in ("metrics.jsonl", "report.json", "report.md", "logprobs.png", "regions.png"):
        assert (run / name).stat().st_size > 0, name
    assert list(report.losses) == ["dpo", "ipo"]
    assert report.data == DataInfo(
        tokenize=TokenizeReport(read=12, kept=12),
        train_pairs=9,
        eval_pairs=3,
        tokens={
            "pairs": 12,
            "shared_tokens": 2272,
            "unshared_tokens": 3420,
            "shared_head_positions": 1266,
            "unshared_head_positions": 1408,
        },
    )
    metrics = [json.loads(line) for line in (run / "metrics.jsonl").read_text().splitlines()]
    start = {m["objective"]: m["chosen_logp"] for m in metrics if m["step"] == 0}
    assert len(set(start.values())) == 1  # every loss starts from the same weights
    assert report.reference.eval is not None
    assert start["dpo"] == pytest.approx(report.reference.eval.chosen_logp, rel=1e-5)
    assert {m["step"] for m in metrics if m["split"] == "eval"} == {0, 2, 4}
    cos = report.losses["dpo"].grad_cosine_end
    assert cos is not None and cos.pairs == 1 and -1 <= cos.mean_cosine <= 1
    assert sum(cos.cases.values()) == 1 and [p.case for p in cos.per_pair] == list(cos.cases)
    # report.json is the record, and reads back into it unchanged.
    text = (run / "report.json").read_text()
    assert TrainResult.from_dict(json.loads(text)).to_json() + "\n" == text
    # Same config, same numbers.
    again = train(cfg_copy(cfg, tmp_path / "b"))
    assert again.losses["ipo"].eval == report.losses["ipo"].eval
    assert (tmp_path / "b" / "metrics.jsonl").read_text() == (run / "metrics.jsonl").read_text()


def cfg_copy(cfg: TrainConfig, run_dir: Path) -> TrainConfig:
    fields = {name: getattr(cfg, name) for name in TrainConfig.__dataclass_fields__}
    return TrainConfig(**{**fields, "run_dir": run_dir})


def test_the_loop_alone_trains_the_same_without_the_analysis(
    pairs_dir: Path, tmp_path: Path
) -> None:
    """The loop without the analysis's probe: the same steps and held-out numbers, and
    neither the effects nor the report."""
    cfg = TrainConfig(out_dir=pairs_dir, run_dir=tmp_path / "full", losses=["dpo"], **QUICK)
    full = train(cfg)
    bare = train_loop(cfg_copy(cfg, tmp_path / "loop"))
    metrics = [(tmp_path / name / "metrics.jsonl").read_text() for name in ("full", "loop")]
    assert metrics[0] == metrics[1]
    assert bare.losses["dpo"].eval == full.losses["dpo"].eval
    assert full.losses["dpo"].suffix is not None and bare.losses["dpo"].suffix is None
    assert bare.verdict is None and not (tmp_path / "loop" / "report.json").exists()


def test_dpo_vs_dpop_shows_the_smaug_ordering_on_tiny(tmp_path: Path) -> None:
    out = tmp_path / "out"
    write_shard(out, metamath_pairs(32))
    report = train(
        TrainConfig(
            out_dir=out,
            run_dir=tmp_path / "run",
            steps=20,
            batch_size=8,
            lr=3e-3,
            sft_steps=30,
            progress=False,
            device="cpu",
        )
    )
    result = report.verdict
    assert result is not None and result.validated, result
    ref, dpo, dpop = report.reference.eval, report.losses["dpo"].eval, report.losses["dpop"].eval
    assert ref is not None and dpo is not None and dpop is not None
    assert dpo.after < ref.after <= dpop.after + 0.05


def fake_report(dpo_after: float, dpop_after: float, margin: float = 1.0) -> TrainResult:
    def row(after: float, m: float) -> dict[str, object]:
        return {"hyper": {}, "eval": {"after": after, "reward_margin": m}}

    return TrainResult.from_dict(
        {
            "config": {"tolerance": 0.05, "out_dir": "/x", "run_dir": "/x/run"},
            "reference": {"eval": {"after": -0.37}},
            "losses": {"dpo": row(dpo_after, margin), "dpop": row(dpop_after, 0.1)},
        }
    )


@pytest.mark.parametrize(
    ("dpo", "dpop", "margin", "ok"),
    [
        (-1.82, -0.26, 1.0, True),  # the Smaug paper's MetaMath numbers
        (-1.82, -0.40, 1.0, True),  # within tolerance
        (-1.82, -0.50, 1.0, False),  # DPOP fell below the reference
        (-0.30, -0.26, 1.0, False),  # DPO did not lower it
        (-1.82, -0.26, -0.1, False),  # DPO did not raise the margin
    ],
)
def test_verdict(dpo: float, dpop: float, margin: float, ok: bool) -> None:
    assert verdict(fake_report(dpo, dpop, margin)).validated is ok


def test_verdict_needs_both_losses() -> None:
    report = fake_report(-1.0, -0.2)
    del report.losses["dpop"]
    assert verdict(report).validated is None


def test_cli_train_then_report(
    pairs_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    run = tmp_path / "run"
    args = [
        "train",
        str(pairs_dir),
        "--run-dir",
        str(run),
        "--steps",
        "2",
        "--sft-steps",
        "2",
        "--quiet",
        "--device",
        "cpu",
        "--dtype",
        "bfloat16",
    ]
    main([*args, "--loss", "dpo", "--loss", "simpo", "--beta", "0.2"])
    printed = capsys.readouterr().out
    assert "simpo" in printed and "verdict: not evaluated" in printed
    assert "attention: sdpa (--attention auto on cpu: auto picks FlexAttention" in printed
    report = json.loads((run / "report.json").read_text())
    assert report["losses"]["simpo"]["hyper"]["beta"] == 0.2
    assert (report["model"]["device"], report["model"]["dtype"]) == ("cpu", "bfloat16")
    (run / "report.md").unlink()
    main(["report", str(run)])
    assert "reference" in capsys.readouterr().out
    assert (run / "report.md").is_file()


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        (["--model", "/no/such/model"], "cannot load model"),
        (["--loss", "nope"], "unknown loss"),
    ],
)
def test_cli_bad_input_is_one_clear_line(
    pairs_dir: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    extra: list[str],
    message: str,
) -> None:
    with pytest.raises(SystemExit) as info:
        main(["train", str(pairs_dir), "--run-dir", str(tmp_path / "r"), "--quiet", *extra])
    assert info.value.code == 2
    assert message in capsys.readouterr().err


def test_cli_empty_output_dir(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "out").mkdir()
    with pytest.raises(SystemExit):
        main(["train", str(tmp_path / "out"), "--run-dir", str(tmp_path / "r"), "--quiet"])
    assert "no pair shards" in capsys.readouterr().err
    with pytest.raises(SystemExit):
        main(["report", str(tmp_path / "out")])
    assert "no report.json" in capsys.readouterr().err


def test_prefix_sharing_gives_the_same_trajectory(pairs_dir: Path, tmp_path: Path) -> None:
    """Sharing changes what is forwarded, not what is computed (float32 rounding only)."""
    reports: dict[bool, TrainResult] = {}
    curves = {}
    for shared in (True, False):
        run_dir = tmp_path / str(shared)
        reports[shared] = train(
            TrainConfig(
                out_dir=pairs_dir,
                run_dir=run_dir,
                losses=["dpo"],
                prefix_sharing=shared,
                **QUICK,
            )
        )
        lines = (run_dir / "metrics.jsonl").read_text().splitlines()
        curves[shared] = [json.loads(line) for line in lines]
    assert reports[True].prefix_sharing and not reports[False].prefix_sharing
    tokens = reports[True].data.tokens
    assert tokens["shared_tokens"] < tokens["unshared_tokens"]
    for on, off in zip(curves[True], curves[False], strict=True):
        assert (on["step"], on["split"]) == (off["step"], off["split"])
        for key in ("loss", "chosen_logp", "rejected_logp", "after"):
            assert on[key] == pytest.approx(off[key], rel=1e-5, abs=1e-5), key
