"""The prefix-sharing mask through FlexAttention: the same mask, the same numbers.

The ``mask_mod`` evaluated over every (query, key) equals the dense mask for random
packed batches, with and without a sliding window, and the ``BlockMask`` keeps every
tile that holds an allowed entry.  Through the models, in float32 on the CPU, the flex
path's per-token log-probs equal the dense (sdpa) shared path and the unshared layout
within 1e-5: on the tiny model, SmolLM2-135M's architecture (random weights, 2 layers),
with several pairs per row, and on sliding-window and soft-capping architectures.

Two limits of the CPU.  torch 2.13's FlexAttention has no backward pass on the CPU, so
the gradients are compared on CUDA only and ``--attention flex`` on the CPU is refused
in one line (a test fails when torch gains one).  And the CPU tests run torch's own
``flex_attention`` without the ``torch.compile`` wrapper transformers puts around it
(:func:`eager_flex`): the same mask and BlockMask through torch's unfused kernel, since
inductor's CPU kernel takes up to a minute per shape on a busy machine and, in torch
2.13, fails to build for this mask at some batch lengths (a C++ error).  The CUDA tests
run the compiled (Triton) kernel, in float32 and under bfloat16 autocast, and training
steps.
"""

from __future__ import annotations

import copy
import json
import subprocess
import sys
import warnings
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st
from test_packing import PAIRS, pair
from test_train_sharing import ALL, ATOL, grads, logprobs, max_diff, model_for

from pairgen.errors import PairgenError
from pairgen.training.config import TrainConfig
from pairgen.training.loop import flex, masks
from pairgen.training.loop.attention import implementation, resolve_attention
from pairgen.training.loop.device import Precision
from pairgen.training.loop.forward import Logprobs, forward_packed
from pairgen.training.loop.models import LoadedModel
from pairgen.training.loop.packing import pack_shared
from pairgen.training.loop.session import start_run
from pairgen.training.loop.sharing import check_sharing
from pairgen.training.loop.tiny import tiny_tokenizer
from pairgen.training.progress import Phases
from pairgen.training.results import Attention
from pairgen.training.run import train

CUDA = pytest.mark.skipif(not torch.cuda.is_available(), reason="no CUDA GPU")


@pytest.fixture
def eager_flex(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """transformers' flex layers call torch's ``flex_attention`` directly, not through
    ``torch.compile`` (see the module's docstring).  Same function, same BlockMask,
    unfused."""
    import transformers.integrations.flex_attention as hf_flex
    from torch.nn.attention.flex_attention import flex_attention

    def uncompiled(query: Any, key: Any, value: Any, training: bool = False, **kw: Any) -> Any:
        return flex_attention(query, key, value, **kw)

    monkeypatch.setattr(hf_flex, "compile_friendly_flex_attention", uncompiled)
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message="flex_attention called without torch.compile")
        yield


def flex_twin(name: str, impl: str = "sdpa") -> Any:
    """The same weights as :func:`model_for`'s model, running flex_attention."""
    model = copy.deepcopy(model_for(name, impl))
    model.set_attn_implementation(flex.FLEX_ATTENTION)
    assert flex.uses_flex(model.config)
    return model


# ---------------------------------------------------------------------------- the mask


@st.composite
def packed_batches(draw: st.DrawFn) -> list[Any]:
    """Pairs of random segment lengths (an empty shared prefix and an empty suffix
    included), enough of them that rows hold several pairs and span several tiles."""
    pairs = []
    for i in range(draw(st.integers(1, 8))):
        prompt, shared, chosen = (draw(st.integers(lo, 40)) for lo in (1, 0, 1))
        rejected = draw(st.integers(0 if shared else 1, 40))  # never an empty completion
        pairs.append(pair(f"p{i}", prompt, shared, chosen, rejected))
    return pairs


@settings(max_examples=40, deadline=None)
@given(packed_batches(), st.sampled_from([None, 1, 3, 17, 200]))
def test_mask_mod_is_the_dense_mask_and_keeps_every_tile_it_needs(
    pairs: list[Any], window: int | None
) -> None:
    from torch.nn.attention.flex_attention import create_mask

    packed = pack_shared(pairs, 0)
    assert packed.segments is not None and packed.position_ids is not None
    assert packed.blocks is not None
    segments, positions, blocks = packed.segments, packed.position_ids, packed.blocks
    rows, length = segments.shape
    dense = masks.allowed(segments, positions, window, blocks)
    mod = flex.mask_mod(segments, positions, blocks, window)
    assert torch.equal(create_mask(mod, rows, None, length, length, device="cpu")[:, 0], dense)
    # The BlockMask skips a tile only when no entry of it is allowed.
    tiles = -(-length // flex.TILE)
    padded = torch.zeros((rows, tiles * flex.TILE, tiles * flex.TILE), dtype=torch.bool)
    padded[:, :length, :length] = dense
    needed = padded.view(rows, tiles, flex.TILE, tiles, flex.TILE).any(dim=(2, 4))
    kept = flex.block_mask(segments, positions, blocks, window).to_dense()[:, 0].bool()
    assert torch.equal(kept | needed, kept)


def test_sliding_layers_get_a_block_mask_per_layer_kind() -> None:
    packed = pack_shared(ALL, 0)
    config = model_for("qwen2_sliding").config
    both = flex.shared_block_mask(packed, config)
    assert isinstance(both, dict) and set(both) == {"full_attention", "sliding_attention"}
    dense = masks.shared_attention_mask(packed, config, torch.float32)
    assert isinstance(dense, dict) and set(dense) == set(both)


# --------------------------------------------------------------- through the models (CPU)


def flex_logprobs(model: Any, pairs: list[Any]) -> Logprobs:
    return forward_packed(model, pack_shared(pairs, 0), chunk_size=7, mask_dtype=torch.float32)


@pytest.mark.usefixtures("eager_flex")
@pytest.mark.parametrize("name", ["tiny", "smollm2"])
def test_flex_log_probs_equal_sdpa_and_unshared(name: str) -> None:
    sdpa, flexed = model_for(name), flex_twin(name)
    with torch.no_grad():
        for pairs in (ALL, PAIRS):  # varied pair kinds; several pairs per row
            ours = flex_logprobs(flexed, pairs)
            assert max_diff(ours, logprobs(sdpa, pairs, True)) <= ATOL
            assert max_diff(ours, logprobs(sdpa, pairs, False)) <= ATOL
            assert ours.chosen.abs().sum() > 0 and ours.rejected.abs().sum() > 0


OTHERS = [("qwen2_sliding", "sdpa"), ("mistral_sliding", "sdpa"), ("gemma2", "eager")]


@pytest.mark.usefixtures("eager_flex")
@pytest.mark.parametrize(("name", "impl"), OTHERS, ids=[n for n, _ in OTHERS])
def test_flex_log_probs_equal_unshared_with_windows_and_soft_capping(name: str, impl: str) -> None:
    dense, flexed = model_for(name, impl), flex_twin(name, impl)
    with torch.no_grad():
        assert max_diff(flex_logprobs(flexed, ALL), logprobs(dense, ALL, False)) <= ATOL


@pytest.mark.usefixtures("eager_flex")
def test_the_probe_accepts_flex_and_catches_a_leaky_mask_mod(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    flexed = flex_twin("tiny")
    assert check_sharing(flexed).ok
    real = masks.rule
    # The rejected suffix allowed to see the chosen one: the leak prefix sharing must not have.
    monkeypatch.setattr(
        flex, "rule", lambda q, k, sq, sk, *limits: real(q, k, sq.clamp(max=2), sk, *limits)
    )
    with torch.no_grad():
        assert max_diff(flex_logprobs(flexed, ALL), logprobs(model_for("tiny"), ALL, False)) > 1e-3
    assert not check_sharing(flexed).ok


def test_flex_has_no_backward_on_cpu_so_training_with_it_is_refused(tmp_path: Path) -> None:
    """When torch gains a CPU backward the first assertion fails: then let the CPU train
    with flex (``attention.FLEX_DEVICES``) and compare gradients here too."""
    from torch.nn.attention.flex_attention import flex_attention

    q = torch.randn(1, 2, 8, 4, requires_grad=True)
    with pytest.raises(NotImplementedError, match="does not support backward on CPU"):
        flex_attention(q, q, q)
    model = copy.deepcopy(model_for("tiny"))
    with pytest.raises(PairgenError, match="no backward pass on cpu") as refused:
        resolve_attention(model, "flex", torch.device("cpu"))
    assert "\n" not in str(refused.value)
    assert implementation(model) == "sdpa"


def test_the_command_line_refuses_flex_on_cpu_in_one_line(pairs_dir: Path, tmp_path: Path) -> None:
    command = [sys.executable, "-m", "pairgen", "train", str(pairs_dir), "--run-dir"]
    command += [str(tmp_path / "r"), "--attention", "flex", "--device", "cpu", "-q"]
    result = subprocess.run(command, capture_output=True, text=True, timeout=300)
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert result.stderr.strip() == (
        f"error: --attention flex: FlexAttention has no backward pass on cpu in torch "
        f"{torch.__version__} (it trains on CUDA); use --attention sdpa or auto"
    )


def test_flex_for_a_model_transformers_cannot_run_with_it_is_one_line() -> None:
    from test_train_sharing import build

    bloom = build("bloom", "eager")
    with pytest.raises(PairgenError, match="cannot run BloomForCausalLM with flex") as refused:
        resolve_attention(bloom, "flex", torch.device("cuda"))
    assert "\n" not in str(refused.value)
    assert resolve_attention(bloom, "auto", torch.device("cuda")).used == "eager"  # auto: as loaded
    sdpa = resolve_attention(bloom, "sdpa", torch.device("cuda"))
    assert sdpa == Attention("sdpa", "eager", "cuda", "the model's own implementation, as loaded")


def test_auto_keeps_the_dense_path_on_cpu(tmp_path: Path) -> None:
    loaded = LoadedModel("tiny", copy.deepcopy(model_for("tiny")), tiny_tokenizer(), "test")
    cfg = TrainConfig(out_dir=tmp_path, run_dir=tmp_path)
    assert cfg.attention == "auto"
    run = start_run(loaded, cfg, Precision(torch.device("cpu")), Phases(False))
    assert implementation(run.model) == "sdpa" and run.shared
    assert run.attention == Attention(
        "auto",
        "sdpa",
        "cpu",
        "auto picks FlexAttention on no device until its CUDA path has run on a GPU "
        "(AUTO_FLEX_DEVICES is empty); the model's own implementation, as loaded",
    )


@pytest.mark.usefixtures("eager_flex")
def test_auto_goes_back_to_sdpa_when_the_probe_finds_flex_inexact(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """What ``auto`` does on a GPU whose flex path the probe rejects, played on the CPU:
    the device rule widened to the CPU (the probe runs without grad) and a leaky mask."""
    from pairgen.training.loop import attention

    monkeypatch.setattr(attention, "FLEX_DEVICES", ("cuda", "cpu"))
    monkeypatch.setattr(attention, "AUTO_FLEX_DEVICES", ("cuda", "cpu"))
    real = masks.rule
    monkeypatch.setattr(
        flex, "rule", lambda q, k, sq, sk, *limits: real(q, k, sq.clamp(max=2), sk, *limits)
    )
    loaded = LoadedModel("tiny", copy.deepcopy(model_for("tiny")), tiny_tokenizer(), "test")
    cfg = TrainConfig(out_dir=tmp_path, run_dir=tmp_path)
    run = start_run(loaded, cfg, Precision(torch.device("cpu")), Phases(True))
    assert implementation(run.model) == "sdpa" and run.shared
    assert "FlexAttention off: shared and unshared log-probs differ" in capsys.readouterr().err
    assert run.attention is not None and run.attention.used == "sdpa"
    assert run.attention.why.startswith("FlexAttention off (shared and unshared log-probs differ")


# ------------------------------------------------------------------------------- CUDA


def on_cuda(name: str, flexed: bool) -> Any:
    model = copy.deepcopy(model_for(name)).cuda()
    if flexed:
        model.set_attn_implementation(flex.FLEX_ATTENTION)
    return model


def cuda_logprobs(model: Any, pairs: list[Any], shared: bool, dtype: torch.dtype) -> Logprobs:
    from pairgen.training.loop.packing import pack_unshared

    packed = (pack_shared if shared else pack_unshared)(pairs, 0).to(torch.device("cuda"))
    with Precision(torch.device("cuda"), dtype).autocast():
        return forward_packed(model, packed, chunk_size=64, mask_dtype=dtype)


@CUDA
@pytest.mark.parametrize("name", ["tiny", "smollm2"])
def test_cuda_flex_float32_log_probs_and_gradients_equal_unshared(name: str) -> None:
    """The compiled kernel, float32: what the CPU cannot check (the gradients)."""
    plain, flexed = on_cuda(name, False), on_cuda(name, True)
    tol = 1e-4  # a different kernel's summation order, not a different mask (> 1e-3)
    with torch.no_grad():
        for pairs in (ALL, PAIRS):
            ours = cuda_logprobs(flexed, pairs, True, torch.float32)
            assert max_diff(ours, cuda_logprobs(plain, pairs, False, torch.float32)) <= tol
            assert max_diff(ours, cuda_logprobs(plain, pairs, True, torch.float32)) <= tol
    shared = grads(flexed, lambda: cuda_logprobs(flexed, ALL, True, torch.float32))
    unshared = grads(plain, lambda: cuda_logprobs(plain, ALL, False, torch.float32))
    assert shared.keys() == unshared.keys() and shared
    for key in shared:
        scale = max(float(unshared[key].abs().max()), 1.0)
        assert float((shared[key] - unshared[key]).abs().max()) <= tol * scale, key


@CUDA
def test_cuda_flex_under_bfloat16_is_as_close_to_float32_as_sdpa_is() -> None:
    """bfloat16 autocast moves every log-prob a little; the flex path may not move them
    more than the dense path does (twice its largest error, plus 0.01 nats)."""
    plain, flexed = on_cuda("smollm2", False), on_cuda("smollm2", True)
    with torch.no_grad():
        exact = cuda_logprobs(plain, ALL, False, torch.float32)
        dense = cuda_logprobs(plain, ALL, True, torch.bfloat16)
        ours = cuda_logprobs(flexed, ALL, True, torch.bfloat16)
    error_dense, error_flex = max_diff(dense, exact), max_diff(ours, exact)
    assert 0 < error_flex <= 2 * error_dense + 0.01, (error_flex, error_dense)
    assert error_flex < 0.1


@CUDA
def test_cuda_training_steps_with_flex_under_bfloat16(pairs_dir: Path, tmp_path: Path) -> None:
    settings_: dict[str, Any] = {
        "out_dir": pairs_dir,
        "steps": 2,
        "batch_size": 4,
        "sft_steps": 0,
        "losses": ["dpo"],
        "device": "cuda",
        "dtype": "bfloat16",
        "progress": False,
    }
    flexed = train(TrainConfig(run_dir=tmp_path / "flex", attention="flex", **settings_))
    dense = train(TrainConfig(run_dir=tmp_path / "sdpa", attention="sdpa", **settings_))
    assert flexed.prefix_sharing and dense.prefix_sharing

    def losses(run_dir: Path) -> list[float]:
        rows = map(json.loads, (run_dir / "metrics.jsonl").read_text().splitlines())
        return [row["loss"] for row in rows if row["split"] == "train"]

    ours, theirs = losses(tmp_path / "flex"), losses(tmp_path / "sdpa")
    assert len(ours) == 2 and all(torch.isfinite(torch.tensor(ours)))
    assert ours == pytest.approx(theirs, abs=0.05)
