"""The SFT warm-up: a model that is not tuned yet first learns the chosen completions.

A random model (``tiny``) has no meaningful reference; a few steps of maximum likelihood
on chosen completions make one, as a real base model would be (``--sft-steps``).
"""

from __future__ import annotations

from dataclasses import replace

import torch

from pairgen.training.config import TrainConfig
from pairgen.training.loop.batches import schedule
from pairgen.training.loop.data import TokenizedPair
from pairgen.training.loop.forward import Run
from pairgen.training.loop.packing import pair_lengths
from pairgen.training.loop.weights import trainable
from pairgen.training.progress import Phases


def sft_warmup(run: Run, pairs: list[TokenizedPair], cfg: TrainConfig, phases: Phases) -> None:
    """A few steps of maximum likelihood on chosen completions (prompt tokens not scored).

    Only prompt and chosen are forwarded: the rejected suffix would cost tokens and
    add nothing to the loss.
    """
    chosen = [replace(p, rejected=p.chosen, first_diff=len(p.chosen)) for p in pairs]
    optimizer = torch.optim.AdamW(trainable(run.model).values(), lr=cfg.sft_lr or cfg.learning_rate)
    plan = schedule(
        pair_lengths(chosen), cfg.batch_size, cfg.warmup_steps, cfg.seed + 1, cfg.group_by_length
    )
    lengths = run.lengths(chosen)
    run.precision.restart()
    run.model.train()
    tokens = sum(lengths[i] for batch in plan for i in batch)
    with phases.phase(
        "SFT warm-up", cfg.warmup_steps, "steps", tokens=tokens, kind="train"
    ) as phase:
        for batch in plan:
            out = run.logprobs([chosen[i] for i in batch])
            nll = -out.chosen.sum() / out.chosen_len.sum()
            optimizer.zero_grad(set_to_none=True)
            run.precision.backward(nll)
            nll = nll.detach()
            run.precision.step(optimizer)
            phase.advance(note=f"nll {nll.item():.3f}")


__all__ = ["sft_warmup"]
