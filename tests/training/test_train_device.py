"""Device, mixed precision and gradient checkpointing: end to end on the tiny model.

The CPU runs always happen; the CUDA run happens where a GPU is present and is skipped
elsewhere.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import torch

from pairgen.errors import PairgenError
from pairgen.training.config import TrainConfig
from pairgen.training.loop.device import Precision, available, emulated
from pairgen.training.loop.models import load_model
from pairgen.training.loop.session import start_run
from pairgen.training.measurements import Measurement
from pairgen.training.progress import Phases
from pairgen.training.results import TrainResult
from pairgen.training.run import train

QUICK: dict[str, Any] = {
    "steps": 2,
    "batch_size": 4,
    "sft_steps": 2,
    "losses": ["dpo", "dpop"],
    "progress": False,
}


def run(pairs_dir: Path, run_dir: Path, **settings: Any) -> TrainResult:
    report = train(TrainConfig(out_dir=pairs_dir, run_dir=run_dir, **{**QUICK, **settings}))
    return report


def metrics(run_dir: Path) -> str:
    return (run_dir / "metrics.jsonl").read_text()


def held_out(measured: Measurement | None) -> Measurement:
    assert measured is not None
    return measured


def finite(report: TrainResult) -> bool:
    values = [held_out(report.reference.eval).chosen_logp]
    values += [held_out(r.eval).chosen_logp for r in report.losses.values()]
    return bool(torch.isfinite(torch.tensor(values)).all())


def test_bfloat16_on_cpu_runs_end_to_end_and_is_deterministic(
    pairs_dir: Path, tmp_path: Path
) -> None:
    first = run(pairs_dir, tmp_path / "a", device="cpu", dtype="bfloat16")
    run(pairs_dir, tmp_path / "b", device="cpu", dtype="bfloat16")
    full = run(pairs_dir, tmp_path / "f32", device="cpu")
    assert first.model.device == "cpu" and first.model.dtype == "bfloat16"
    assert finite(first)
    assert metrics(tmp_path / "a") == metrics(tmp_path / "b")
    # Autocast is really on: bfloat16 arithmetic moves the numbers, a little.
    ours, exact = held_out(first.reference.eval), held_out(full.reference.eval)
    assert ours.chosen_logp != exact.chosen_logp
    assert ours.chosen_logp == pytest.approx(exact.chosen_logp, rel=0.02)


def test_float16_scales_the_loss_and_trains(pairs_dir: Path, tmp_path: Path) -> None:
    report = run(pairs_dir, tmp_path / "r", device="cpu", dtype="float16")
    assert finite(report)
    assert Precision(torch.device("cpu"), torch.float16).scaler.is_enabled()
    assert not Precision(torch.device("cpu"), torch.bfloat16).scaler.is_enabled()


def test_gradient_checkpointing_is_on_and_exact(pairs_dir: Path, tmp_path: Path) -> None:
    cfg = TrainConfig(out_dir=pairs_dir, run_dir=tmp_path, gradient_checkpointing=True)
    loaded = load_model("tiny")
    precision = Precision(torch.device("cpu"))
    assert start_run(loaded, cfg, precision, Phases(False)).model.is_gradient_checkpointing
    run(pairs_dir, tmp_path / "ckpt", device="cpu", gradient_checkpointing=True)
    run(pairs_dir, tmp_path / "plain", device="cpu")
    # Recomputing the activations in backward gives the very same gradients.
    assert metrics(tmp_path / "ckpt") == metrics(tmp_path / "plain")


@pytest.mark.parametrize(("field", "value"), [("device", "tpu"), ("dtype", "int8")])
def test_unknown_device_or_dtype_is_a_clear_error(field: str, value: str, tmp_path: Path) -> None:
    with pytest.raises(PairgenError, match=f"unknown {field} '{value}'; choose from"):
        TrainConfig(out_dir=tmp_path, run_dir=tmp_path, **{field: value})


def test_missing_accelerator_is_a_clear_error(pairs_dir: Path, tmp_path: Path) -> None:
    missing = next((kind for kind in ("cuda", "mps") if not available(kind)), None)
    if missing is None:
        pytest.skip("this machine has both CUDA and MPS")
    with pytest.raises(PairgenError, match=f"device '{missing}' is not available"):
        run(pairs_dir, tmp_path / "r", device=missing)


@pytest.mark.skipif(not torch.cuda.is_available(), reason="no CUDA GPU")
def test_cuda_matches_cpu_and_runs_mixed_precision(pairs_dir: Path, tmp_path: Path) -> None:
    cpu = run(pairs_dir, tmp_path / "cpu", device="cpu")
    gpu = run(pairs_dir, tmp_path / "gpu", device="cuda")
    assert gpu.model.device.startswith("cuda")
    for side in ("chosen_logp", "rejected_logp", "after"):
        on_gpu = getattr(held_out(gpu.reference.eval), side)
        assert on_gpu == pytest.approx(getattr(held_out(cpu.reference.eval), side), rel=1e-4)
    steps = [json.loads(line) for line in metrics(tmp_path / "gpu").splitlines()]
    assert {m["step"] for m in steps} == {0, 1, 2}
    for dtype in ("bfloat16", "float16"):
        assert finite(run(pairs_dir, tmp_path / dtype, device="cuda", dtype=dtype))


def test_emulated_16_bit_on_cpu_is_announced(
    pairs_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    cfg = TrainConfig(out_dir=pairs_dir, run_dir=tmp_path, dtype="bfloat16")
    bf16 = Precision(torch.device("cpu"), torch.bfloat16)
    assert not emulated(Precision(torch.device("cpu")))  # float32 is never emulated
    start_run(load_model("tiny"), cfg, bf16, Phases(True))
    announced = "emulated (no native 16-bit matmul)" in capsys.readouterr().err
    assert announced == emulated(bf16)
