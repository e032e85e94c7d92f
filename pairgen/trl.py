"""pairgen's margin losses inside TRL's DPOTrainer: DPOP, SPO and the rest, at scale.

TRL has no DPOP ("Smaug: Fixing Failure Modes of Preference Optimisation with
DPO-Positive").  :class:`PairgenDPOTrainer` is TRL's ``DPOTrainer`` (accelerate,
DeepSpeed, FSDP, data-parallel, its collator, logging and checkpoints) whose
``compute_loss`` hook is replaced: the TRL batch (chosen rows then rejected rows, with a
completion mask) is turned back into pairgen pairs, both completions are scored with
pairgen's forward (per-token log-probs, edit-aware prefix sharing when the model passes
the probe, LM head in chunks over completion positions), and the loss is any
:class:`~pairgen.training.loop.losses.MarginLoss` by name.

pairgen's forward calls the decoder and the LM head directly, not the model's
``forward``, so a DistributedDataParallel wrapper never sees it: gradients are averaged
across processes here, once per optimizer step (:meth:`PairgenDPOTrainer.training_step`).
TRL is imported here only; ``pip install trl`` to use this module.
"""

from __future__ import annotations

from typing import Any

import torch
import torch.distributed as dist
from trl.trainer.dpo_trainer import DPOTrainer

from pairgen.errors import PairgenError
from pairgen.training.loop.data import TokenizedPair, first_difference
from pairgen.training.loop.device import Precision
from pairgen.training.loop.forward import Run, Scored, score
from pairgen.training.loop.losses import get_loss
from pairgen.training.loop.sharing import check_sharing


def pairs_from_trl(inputs: dict[str, torch.Tensor]) -> list[TokenizedPair]:
    """pairgen's pairs from the token ids TRL's collator built (any padding side)."""
    rows = []
    for ids, attend, completion in zip(
        inputs["input_ids"], inputs["attention_mask"], inputs["completion_mask"], strict=True
    ):
        real, done = attend.bool(), completion.bool()
        rows.append((ids[real & ~done].tolist(), ids[done].tolist()))
    half = len(rows) // 2
    out = []
    for (prompt, chosen), (prompt_l, rejected) in zip(rows[:half], rows[half:], strict=True):
        if prompt != prompt_l:
            raise PairgenError("a TRL batch whose chosen and rejected rows have different prompts")
        out.append(TokenizedPair("", prompt, chosen, rejected, first_difference(chosen, rejected)))
    return out


class PairgenDPOTrainer(DPOTrainer):  # type: ignore[misc]
    """``trl.DPOTrainer`` training with pairgen's loss ``loss`` (e.g. ``"dpop"``, ``"spo"``).

    ``beta`` comes from ``DPOConfig.beta``; ``lam`` is DPOP's λ (SPO's penalty weight);
    ``None`` keeps the loss's own default.  A ``ref_model`` must be passed (a PEFT
    reference by disabled adapters is not supported here).
    """

    def __init__(
        self,
        *args: Any,
        loss: str = "dpop",
        lam: float | None = None,
        prefix_sharing: bool = True,
        logit_chunk: int = 512,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        if self.ref_model is None:
            raise PairgenError("PairgenDPOTrainer needs ref_model= (the frozen reference)")
        self.pairgen_loss = get_loss(loss)
        self.pairgen_hyper = self.pairgen_loss.hyper(beta=self.beta, lam=lam)
        model = self.accelerator.unwrap_model(self.model)
        self.pairgen_shared = prefix_sharing and check_sharing(model).ok
        self.pairgen_chunk = logit_chunk

    def _run(self, model: Any) -> Run:
        # TRL's bf16/fp16 settings are autocast settings: pairgen's forward follows them.
        dtype = (
            torch.bfloat16 if self.args.bf16 else torch.float16 if self.args.fp16 else torch.float32
        )
        precision = Precision(self.accelerator.device, dtype)
        tokenizer: Any = self.processing_class
        pad = tokenizer.pad_token_id
        pad_id = int(pad if pad is not None else tokenizer.eos_token_id)
        unwrapped = self.accelerator.unwrap_model(model)
        # forward_tokens is unused here: TRL's collator makes the batches.
        tokens = 4096
        return Run(unwrapped, pad_id, tokens, precision, self.pairgen_shared, self.pairgen_chunk)

    def pairgen_score(self, model: Any, inputs: dict[str, torch.Tensor]) -> Scored:
        """The pairgen loss of a TRL batch: policy with grad, reference without."""
        pairs = pairs_from_trl(inputs)
        with torch.no_grad():
            reference = self._run(self.ref_model).logprobs(pairs)
        return score(
            self._run(model).logprobs(pairs), reference, self.pairgen_loss, self.pairgen_hyper
        )

    def compute_loss(
        self,
        model: Any,
        inputs: dict[str, torch.Tensor],
        return_outputs: bool = False,
        num_items_in_batch: Any = None,
    ) -> Any:
        scored = self.pairgen_score(model, inputs)
        loss = scored.values.mean()
        mode = "train" if model.training else "eval"
        r_w = (scored.policy.chosen_total - scored.reference.chosen_total).detach()
        r_l = (scored.policy.rejected_total - scored.reference.rejected_total).detach()
        gather = self.accelerator.gather
        metrics = self._metrics[mode]
        metrics["logps/chosen"].append(gather(scored.policy.chosen_total.detach()).mean().item())
        metrics["logps/rejected"].append(
            gather(scored.policy.rejected_total.detach()).mean().item()
        )
        metrics["rewards/margins"].append(gather(self.beta * (r_w - r_l)).mean().item())
        metrics["rewards/accuracies"].append(gather((r_w > r_l).float()).mean().item())
        return (loss, {}) if return_outputs else loss

    def training_step(self, *args: Any, **kwargs: Any) -> torch.Tensor:
        """TRL's step, then the gradients averaged over processes once per optimizer step."""
        loss: torch.Tensor = super().training_step(*args, **kwargs)
        if dist.is_available() and dist.is_initialized() and self.accelerator.sync_gradients:
            world = dist.get_world_size()
            trained: Any = self.model
            for param in trained.parameters():
                if param.grad is not None:
                    dist.all_reduce(param.grad)
                    param.grad /= world
        return loss


__all__ = ["PairgenDPOTrainer", "pairs_from_trl"]
