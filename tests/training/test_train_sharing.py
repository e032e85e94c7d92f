"""Edit-aware prefix sharing is exact: per-token log-probs and gradients equal the unshared ones.

Compared in float32 within 1e-5 on arithmetic pairs (an edit mid-completion), choice
pairs (shared prompt, the completions differ at once or after one token) and
conversational pairs (chat template), on the tiny model, on SmolLM2-135M's architecture
with random weights (2 of its 30 layers), and on architectures with sliding windows and
soft-capping.  Negative controls show the comparison would catch a leaky mask or
positions that do not restart; models that cannot take the shared layout fall back.
"""

from __future__ import annotations

import dataclasses
import warnings
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import torch

from pairgen.errors import PairgenError
from pairgen.training.config import TrainConfig
from pairgen.training.loop import masks
from pairgen.training.loop.data import PairText, TokenizedPair, tokenize_pairs
from pairgen.training.loop.device import Precision
from pairgen.training.loop.forward import Logprobs, forward_packed
from pairgen.training.loop.models import LoadedModel
from pairgen.training.loop.packing import pack_shared, pack_unshared, token_counts
from pairgen.training.loop.session import start_run
from pairgen.training.loop.sharing import check_sharing
from pairgen.training.loop.tiny import tiny_model, tiny_tokenizer
from pairgen.training.progress import Phases

from train_shards import metamath_pairs

ATOL = 1e-5
QUESTION = "Question: Which process makes glucose?\n(A) respiration\n(B) photosynthesis\nAnswer:"


def texts() -> dict[str, list[PairText]]:
    arithmetic = [
        PairText(r["id"], r["prompt"], r["chosen"], r["rejected"]) for r in metamath_pairs(3)
    ]
    choice = [
        PairText("arc-1/0", QUESTION, " (B) photosynthesis", " (A) respiration"),
        PairText("arc-1/1", QUESTION, "B", "A"),  # no shared completion prefix at all
    ]

    def user(text: str) -> list[dict[str, str]]:
        return [{"role": "user", "content": text}]

    def assistant(text: str) -> list[dict[str, str]]:
        return [{"role": "assistant", "content": text}]

    conversational = [
        PairText(
            "conv-1/0",
            user(QUESTION),
            assistant("(B) photosynthesis"),
            assistant("(A) respiration"),
        ),
        PairText(
            "conv-2",
            user("What is 3 * 4 + 5?"),
            assistant("3 * 4 = 12. 12 + 5 = 17."),
            assistant("3 * 4 = 13. 12 + 5 = 17."),
        ),
    ]
    return {"arithmetic": arithmetic, "choice": choice, "conversational": conversational}


def tokenized(kind: str | None = None) -> list[TokenizedPair]:
    groups = texts()
    chosen = [p for name, group in groups.items() if kind in (None, name) for p in group]
    pairs, report = tokenize_pairs(chosen, tiny_tokenizer(), max_length=512)
    assert report.kept == len(chosen)
    return pairs


ALL = tokenized()


def build(name: str, impl: str = "sdpa") -> Any:
    """A seeded random float32 model in eval mode (vocabulary >= the tiny tokenizer's)."""
    from transformers import AutoConfig, AutoModelForCausalLM

    warnings.filterwarnings("ignore")  # architecture notices from transformers
    torch.manual_seed(0)
    small: dict[str, Any] = {
        "vocab_size": 300,
        "hidden_size": 64,
        "intermediate_size": 128,
        "num_hidden_layers": 2,
        "num_attention_heads": 4,
        "num_key_value_heads": 2,
    }
    configs: dict[str, Callable[[], Any]] = {
        # SmolLM2-135M's architecture, 2 of its 30 layers, random weights.
        "smollm2": lambda: AutoConfig.for_model(
            "llama",
            vocab_size=49152,
            hidden_size=576,
            intermediate_size=1536,
            num_hidden_layers=2,
            num_attention_heads=9,
            num_key_value_heads=3,
            max_position_embeddings=8192,
            rms_norm_eps=1e-5,
            rope_theta=100000.0,
            tie_word_embeddings=True,
        ),
        "qwen2_sliding": lambda: AutoConfig.for_model(
            "qwen2", **small, use_sliding_window=True, sliding_window=4, max_window_layers=1
        ),
        "mistral_sliding": lambda: AutoConfig.for_model("mistral", **small, sliding_window=4),
        "gemma2": lambda: AutoConfig.for_model("gemma2", **small, head_dim=16, sliding_window=4),
        "bloom": lambda: AutoConfig.for_model(
            "bloom", vocab_size=300, hidden_size=64, n_layer=2, n_head=4
        ),
    }
    if name == "tiny":
        model = tiny_model(seed=0)[0]
        model.config._attn_implementation = impl
    else:
        model = AutoModelForCausalLM.from_config(configs[name](), attn_implementation=impl)
    return model.float().eval()


_MODELS: dict[tuple[str, str], Any] = {}


def model_for(name: str, impl: str = "sdpa") -> Any:
    if (name, impl) not in _MODELS:
        _MODELS[(name, impl)] = build(name, impl)
    return _MODELS[(name, impl)]


def logprobs(model: Any, pairs: list[TokenizedPair], shared: bool, chunk: int = 7) -> Logprobs:
    pack = pack_shared if shared else pack_unshared
    return forward_packed(model, pack(pairs, 0), chunk_size=chunk, mask_dtype=torch.float32)


def max_diff(a: Logprobs, b: Logprobs) -> float:
    for field in ("chosen_len", "rejected_len", "first_diff"):
        assert torch.equal(getattr(a, field), getattr(b, field)), field
    return max(
        float((a.chosen - b.chosen).abs().max()), float((a.rejected - b.rejected).abs().max())
    )


MODELS = [
    ("tiny", "sdpa"),
    ("tiny", "eager"),
    ("smollm2", "sdpa"),
    ("qwen2_sliding", "sdpa"),
    ("mistral_sliding", "sdpa"),
    ("gemma2", "eager"),
]


def test_pair_kinds_cover_the_layouts() -> None:
    """The fixtures really hold an empty shared prefix, a mid-completion edit and a chat."""
    k = {kind: [p.first_diff for p in tokenized(kind)] for kind in texts()}
    assert 0 in k["choice"] and min(k["arithmetic"]) > 5
    assert all(f > 0 for f in k["conversational"])
    counts = token_counts(ALL)
    assert counts["shared_tokens"] < 0.7 * counts["unshared_tokens"]


def test_layout_positions_and_targets() -> None:
    pair = TokenizedPair("x", [8, 9, 10, 11], [30, 31, 32, 33, 2], [30, 31, 40, 41, 42, 2], 2)
    packed = pack_shared([pair], pad_id=0)
    assert packed.input_ids[0].tolist() == [8, 9, 10, 11, 30, 31, 32, 33, 2, 40, 41, 42, 2]
    assert packed.position_ids is not None and packed.segments is not None
    assert packed.position_ids[0].tolist() == [*range(9), *range(6, 10)]
    assert packed.segments[0].tolist() == [1] * 6 + [2] * 3 + [3] * 4
    rejected = packed.rejected_index[0]
    assert packed.pred_cols[rejected].tolist() == [3, 4, 5, 9, 10, 11]
    assert packed.targets[rejected].tolist() == pair.rejected
    assert rejected[:2].tolist() == packed.chosen_index[0, :2].tolist()  # scored once


def test_mask_keeps_rejected_from_seeing_chosen() -> None:
    a = TokenizedPair("a", [5, 6, 7], [10, 11, 12, 2], [20, 21, 2], 0)
    b = TokenizedPair("b", [9], [90, 91, 2], [92, 2], 0)
    # two pairs of 10 tokens and one of 6: three rows of 10 (the last one padded) cost
    # less than any wider packing
    packed = pack_shared([a, dataclasses.replace(a, id="a2"), b], 0)
    mask = masks.shared_attention_mask(packed, object(), torch.float32)
    assert isinstance(mask, torch.Tensor) and mask.shape == (3, 1, 10, 10)
    allowed = mask[:, 0] == 0
    for q in range(10):  # row 0: prompt 0-2, chosen suffix 3-6, rejected suffix 7-9
        for k in range(10):
            assert bool(allowed[0, q, k]) == (k <= q and not (q >= 7 and 3 <= k <= 6)), (q, k)
    assert not allowed[2, :6, 6:].any()  # no real query sees padding
    assert allowed[2, 6:].any(dim=1).all()  # a padding query sees itself: no NaN


@pytest.mark.parametrize(("name", "impl"), MODELS, ids=[f"{n}-{i}" for n, i in MODELS])
def test_per_token_logprobs_equal_unshared(name: str, impl: str) -> None:
    model = model_for(name, impl)
    with torch.no_grad():
        shared, plain = logprobs(model, ALL, True), logprobs(model, ALL, False)
        assert max_diff(shared, plain) <= ATOL
        assert plain.chosen.abs().sum() > 0 and plain.rejected.abs().sum() > 0
        if name in ("tiny", "smollm2"):  # each kind alone: no padding from the others
            for kind in texts():
                pairs = tokenized(kind)
                assert max_diff(logprobs(model, pairs, True), logprobs(model, pairs, False)) <= ATOL


@pytest.mark.parametrize("shared", [True, False])
def test_logprobs_are_the_models_own_log_softmax(shared: bool) -> None:
    """Each completion token, chosen and rejected, scored as the full model scores it."""
    model = model_for("tiny")
    with torch.no_grad():
        out = logprobs(model, ALL, shared, chunk=5)
        for b, pair in enumerate(ALL):
            for side, completion in (("chosen", pair.chosen), ("rejected", pair.rejected)):
                ids = torch.tensor([pair.prompt + completion])
                full = model(ids).logits[0].log_softmax(-1)
                p = len(pair.prompt)
                want = full[p - 1 : p - 1 + len(completion)].gather(
                    1, torch.tensor(completion)[:, None]
                )
                row = getattr(out, side)[b]
                torch.testing.assert_close(
                    row[: len(completion)], want.squeeze(1), atol=ATOL, rtol=0
                )
                assert (row[len(completion) :] == 0).all()  # padding scores nothing
    torch.testing.assert_close(out.chosen_total, out.chosen.sum(1))


def grads(model: Any, out: Callable[[], Logprobs]) -> dict[str, torch.Tensor]:
    """Gradients of a DPOP-like objective: a margin plus a term on the after-edit region."""
    model.zero_grad(set_to_none=True)
    lp = out()
    after = lp.regions()["after"]
    loss = -torch.nn.functional.logsigmoid(0.1 * (lp.chosen_total - lp.rejected_total)).sum()
    (loss - 0.01 * torch.nan_to_num(after).sum() - 0.01 * lp.chosen.sum()).backward()
    found = {n: p.grad.clone() for n, p in model.named_parameters() if p.grad is not None}
    model.zero_grad(set_to_none=True)
    return found


@pytest.mark.parametrize("name", ["tiny", "smollm2"])
def test_gradients_equal_unshared(name: str) -> None:
    model = model_for(name)
    shared = grads(model, lambda: logprobs(model, ALL, True))
    plain = grads(model, lambda: logprobs(model, ALL, False))
    assert shared.keys() == plain.keys() and shared
    for key in shared:  # 1e-5 absolute, relative for gradients above 1
        scale = max(float(plain[key].abs().max()), 1.0)
        assert float((shared[key] - plain[key]).abs().max()) <= ATOL * scale, key


def test_a_leaky_mask_or_flat_positions_would_be_caught(monkeypatch: pytest.MonkeyPatch) -> None:
    model = model_for("tiny")
    packed = pack_shared(ALL, 0)
    assert packed.position_ids is not None
    flat = dataclasses.replace(
        packed,
        position_ids=torch.arange(packed.input_ids.shape[1]).repeat(packed.input_ids.shape[0], 1),
    )
    with torch.no_grad():
        plain = logprobs(model, ALL, False)
        wrong = forward_packed(model, flat, chunk_size=64, mask_dtype=torch.float32)
        assert max_diff(wrong, plain) > 1e-3
        real = masks.allowed
        monkeypatch.setattr(masks, "allowed", lambda s, p, w, b=None: real(s.clamp(max=2), p, w, b))
        assert max_diff(logprobs(model, ALL, True), plain) > 1e-3
        assert not check_sharing(model).ok
    monkeypatch.undo()
    assert check_sharing(model).ok


def test_chunked_head_matches_and_recomputes_in_backward() -> None:
    from pairgen.training.loop.head import gather_logprobs

    calls = []
    head = torch.nn.Linear(16, 50)
    head.register_forward_hook(lambda *_: calls.append(1))
    hidden = torch.randn(11, 16, requires_grad=True)
    targets = torch.randint(0, 50, (11,))
    got = gather_logprobs(hidden, head, targets, chunk_size=4, scale=0.5, softcap=3.0)
    assert len(calls) == 3  # one projection per chunk, never all 11 rows at once
    (g_got,) = torch.autograd.grad(got.sum(), [hidden])
    assert len(calls) == 6  # each chunk recomputed in backward, not kept
    logits = torch.tanh(head(hidden) * 0.5 / 3.0) * 3.0
    want = logits.log_softmax(-1).gather(1, targets[:, None]).squeeze(1)
    (g_want,) = torch.autograd.grad(want.sum(), [hidden])
    torch.testing.assert_close(got, want, atol=1e-6, rtol=1e-6)
    torch.testing.assert_close(g_got, g_want, atol=1e-6, rtol=1e-5)


def test_models_that_cannot_share_fall_back_with_a_notice(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bloom = build("bloom", "eager")  # ALiBi built from the 2D mask
    check = check_sharing(bloom)
    assert not check.ok and "shared forward failed" in check.reason
    cfg = TrainConfig(out_dir=tmp_path, run_dir=tmp_path, model="bloom-test")
    loaded = LoadedModel("bloom-test", bloom, tiny_tokenizer(), "test")
    run = start_run(loaded, cfg, Precision(torch.device("cpu")), Phases(True))
    assert not run.shared
    assert "prefix sharing off for bloom-test" in capsys.readouterr().err
    with torch.no_grad():
        assert max_diff(run.logprobs(ALL), logprobs(bloom, ALL, False)) == 0.0
    flash = build("tiny")
    flash.config._attn_implementation = "flash_attention_2"
    assert "flash_attention_2" in check_sharing(flash).reason


def test_a_head_that_is_not_the_models_logits_is_refused() -> None:
    """A model whose forward transforms the logits in a way pairgen does not know."""
    model = build("tiny")
    original = model.forward

    def scaled_forward(*args: Any, **kwargs: Any) -> Any:
        out = original(*args, **kwargs)
        out.logits = out.logits * 3.0
        return out

    model.forward = scaled_forward
    with pytest.raises(PairgenError, match="differs from the model's own logits"):
        check_sharing(model)


def test_run_shares_by_default_and_matches_unshared(tmp_path: Path) -> None:
    loaded = LoadedModel("tiny", model_for("tiny"), tiny_tokenizer(), "test")
    precision = Precision(torch.device("cpu"))
    on = start_run(
        loaded, TrainConfig(out_dir=tmp_path, run_dir=tmp_path), precision, Phases(False)
    )
    off = dataclasses.replace(on, shared=False)
    assert on.shared and on.pack(ALL).input_ids.shape[0] < len(ALL)  # two pairs share a row
    assert off.pack(ALL).input_ids.shape[0] == 2 * len(ALL)
    with torch.no_grad():
        assert max_diff(on.logprobs(ALL), off.logprobs(ALL)) <= ATOL
