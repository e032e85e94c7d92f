"""Log-probs of completion tokens from hidden states: the vocabulary projection in chunks.

Only the positions that predict a completion token go through the output projection
(the prompt never does: with a 49K vocabulary that projection is most of the cost), and
only ``chunk_size`` of them at a time: ``log p = logit[target] - logsumexp(logits)``,
in float32.  With autograd on, each chunk runs under activation checkpointing, so its
``(chunk, vocab)`` logits are freed after the forward and recomputed, one chunk at a
time, in the backward: memory ``O(chunk x vocab)`` instead of ``O(positions x vocab)``,
for one more head matmul per chunk.
"""

from __future__ import annotations

from typing import Any

import torch
from torch import Tensor, nn
from torch.utils.checkpoint import checkpoint

from pairgen.training.loop.weights import unwrap


def decoder_and_head(model: Any) -> tuple[nn.Module, nn.Module]:
    """The transformer body (returns hidden states) and the output projection.

    A peft (LoRA) wrapper is looked through: its adapters sit inside the base model.
    """
    model = unwrap(model)
    body = getattr(model, model.base_model_prefix, None)
    head = model.get_output_embeddings()
    if body is None or head is None:
        raise TypeError(f"{type(model).__name__} has no separate decoder and LM head")
    return body, head


def logit_transform(model: Any) -> tuple[float, float | None]:
    """What the model's ``forward`` does to the head's output: a scale, then a soft cap.

    Covers Cohere (``logits * logit_scale``), Granite (``logits / logits_scaling``) and
    Gemma2/3 (``final_logit_softcapping``).  Any other transform is caught by the
    sharing probe, which compares this path with the model's own logits.
    """
    config = model.config
    scale = 1.0
    logit_scale = getattr(model, "logit_scale", None)
    if isinstance(logit_scale, int | float) and not isinstance(logit_scale, bool):
        scale *= float(logit_scale)
    logits_scaling = getattr(config, "logits_scaling", None)
    if isinstance(logits_scaling, int | float) and logits_scaling:
        scale /= float(logits_scaling)
    softcap = getattr(config, "final_logit_softcapping", None)
    return scale, (float(softcap) if softcap else None)


def gather_logprobs(
    hidden: Tensor,
    head: nn.Module,
    targets: Tensor,
    *,
    chunk_size: int,
    scale: float = 1.0,
    softcap: float | None = None,
) -> Tensor:
    """``log softmax(f(head(hidden)))[target]`` per row of ``hidden`` ``(N, H)``: ``(N,)``.

    ``f`` multiplies the logits by ``scale`` and soft-caps them at ``softcap`` (see
    :func:`logit_transform`).
    """

    def score(states: Tensor, wanted: Tensor) -> Tensor:
        logits: Tensor = head(states).float()
        if scale != 1.0:
            logits = logits * scale
        if softcap:
            logits = torch.tanh(logits / softcap) * softcap
        return logits.gather(1, wanted[:, None]).squeeze(1) - torch.logsumexp(logits, dim=-1)

    track = torch.is_grad_enabled() and (
        hidden.requires_grad or any(p.requires_grad for p in head.parameters())
    )
    parts: list[Tensor] = []
    for start in range(0, hidden.shape[0], chunk_size):
        states, wanted = hidden[start : start + chunk_size], targets[start : start + chunk_size]
        if track:
            parts.append(checkpoint(score, states, wanted, use_reentrant=False))
        else:
            parts.append(score(states, wanted))
    if not parts:
        return hidden.new_zeros((0,), dtype=torch.float32)
    return torch.cat(parts)


__all__ = ["decoder_and_head", "gather_logprobs", "logit_transform"]
