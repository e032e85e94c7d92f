"""Whether a model can take the shared layout: a probe, and the fallback when it cannot.

Edit-aware prefix sharing (``packing.py``) needs a model that honours a custom 4D
mask and ``position_ids``: the attention implementation must be ``sdpa`` or ``eager``
(a float mask) or ``flex_attention`` (a ``BlockMask``, ``flex.py``) - flash-attention
kernels ignore a custom mask - and nothing in the model may be derived from a 2D mask.
Rather than trust a list of architectures, :func:`check_sharing` runs three synthetic
pairs through both layouts and compares every per-token log-prob.  Tested against the
unshared path: Llama (SmolLM2), Qwen2 (with and without sliding layers), Mistral
(sliding window), Gemma, Gemma2 (eager, soft-capping); ALiBi models (Bloom: the shared
forward fails; MPT: the log-probs differ) are refused and trained unshared, with a
one-line notice.

The probe also checks the hidden-states -> LM-head path against the model's own
``logits``: a model whose ``forward`` transforms the logits in a way
:func:`~pairgen.training.loop.head.logit_transform` does not know would be scored wrongly by
*both* layouts, so it is refused outright.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import torch

from pairgen.errors import PairgenError
from pairgen.training.loop.data import TokenizedPair, first_difference
from pairgen.training.loop.flex import FLEX_ATTENTION
from pairgen.training.loop.forward import Logprobs, forward_packed
from pairgen.training.loop.packing import pack_shared, pack_unshared

SUPPORTED_ATTENTION = frozenset({"sdpa", "eager", FLEX_ATTENTION})
# The probe runs in float32: it checks the structure (mask, positions, head), which
# does not depend on the arithmetic's precision.
PROBE_TOLERANCE = 1e-4


@dataclass(frozen=True, slots=True)
class SharingCheck:
    """``ok``: the shared layout may be used; ``reason`` says why (not); ``max_abs_diff``:
    the largest per-token difference measured, if any."""

    ok: bool
    reason: str
    max_abs_diff: float | None = None


def probe_pairs(vocab: int) -> list[TokenizedPair]:
    """Shorter rejected; empty shared prefix with longer rejected; an edit in the last
    token; and a long pair, so that two short pairs share a packed row (block mask) and
    the last row is padded."""

    def ids(*xs: int) -> list[int]:
        return [(7 * x + 3) % vocab for x in xs]

    triples = [
        (ids(1, 2, 3, 4), ids(5, 6, 7, 8), ids(5, 6, 9)),
        (ids(10, 11), ids(12, 13), ids(14, 15, 16, 17, 18)),
        (ids(20, 21, 22, 23, 24, 25), ids(26, 27, 28, 29, 30), ids(26, 27, 28, 29, 31)),
        (ids(*range(40, 50)), ids(*range(50, 58)), ids(50, 51, 52, 58, 59, 60)),
    ]
    return [
        TokenizedPair(f"probe-{i}", p, w, lo, first_difference(w, lo))
        for i, (p, w, lo) in enumerate(triples)
    ]


def _largest_difference(a: Logprobs, b: Logprobs) -> float:
    return max(
        float((a.chosen - b.chosen).abs().max()), float((a.rejected - b.rejected).abs().max())
    )


@torch.no_grad()
def check_sharing(model: Any, chunk_size: int = 64) -> SharingCheck:
    """Whether the shared layout reproduces the unshared one on ``model`` (see above).

    Runs in eval mode, float32, without grad; the training mode is restored.  Raises
    :class:`PairgenError` when the head path does not reproduce the model's logits.
    """
    impl = getattr(model.config, "_attn_implementation", None)
    if impl not in SUPPORTED_ATTENTION:
        names = ", ".join(sorted(SUPPORTED_ATTENTION))
        return SharingCheck(False, f"attention implementation {impl!r} is not one of {names}")
    device = model.get_input_embeddings().weight.device
    pairs = probe_pairs(int(model.config.vocab_size))
    plain_batch = pack_unshared(pairs, pad_id=0).to(device)
    was_training = model.training
    model.eval()
    try:
        plain = forward_packed(model, plain_batch, chunk_size=chunk_size, mask_dtype=torch.float32)
        full = model(
            input_ids=plain_batch.input_ids,
            attention_mask=plain_batch.padding_mask,
            use_cache=False,
        ).logits.float()
        rows, cols = plain_batch.pred_rows, plain_batch.pred_cols
        expected = full.log_softmax(-1)[rows, cols].gather(1, plain_batch.targets[:, None])
        # The unshared batch scores the chosen rows first, each in token order.
        ours = torch.cat(
            [plain.chosen[plain_batch.chosen_mask], plain.rejected[plain_batch.rejected_mask]]
        )
        head_diff = float((expected.squeeze(1) - ours).abs().max())
        if not head_diff <= PROBE_TOLERANCE:  # NaN fails too
            raise PairgenError(
                f"cannot score completions of {type(model).__name__}: the LM head applied to "
                f"the hidden states differs from the model's own logits by {head_diff:.3g} "
                "(an output transform pairgen does not know)"
            )
        try:
            shared = forward_packed(
                model,
                pack_shared(pairs, pad_id=0).to(device),
                chunk_size=chunk_size,
                mask_dtype=torch.float32,
            )
        except Exception as exc:  # the model cannot take a 4D mask and position ids
            return SharingCheck(False, f"the shared forward failed ({type(exc).__name__}: {exc})")
    finally:
        model.train(was_training)
    diff = _largest_difference(shared, plain)
    if not diff <= PROBE_TOLERANCE:
        return SharingCheck(False, f"shared and unshared log-probs differ by {diff:.3g}", diff)
    return SharingCheck(True, "the shared layout matches the unshared one", diff)


__all__ = ["PROBE_TOLERANCE", "SUPPORTED_ATTENTION", "SharingCheck", "check_sharing", "probe_pairs"]
