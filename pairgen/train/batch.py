"""Batches of pairs and per-token log-probabilities at completion positions only.

A batch of ``B`` pairs is ``2B`` right-padded sequences, the chosen ones first, then the
rejected ones (``prompt + completion``).  :func:`token_logprobs` runs the model's
decoder, keeps the hidden states that predict completion tokens, and projects only those
onto the vocabulary: ``log p = logit[target] - logsumexp(logits)``.  The prompt never
goes through the output projection, which is most of the cost with a large vocabulary.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import torch
from torch import Tensor

from pairgen.train.data import TokenizedPair


@dataclass(frozen=True, slots=True)
class Batch:
    """Tensors of ``2B`` sequences; completion tokens are addressed by ``(row, col)``.

    ``completion_mask`` has shape ``(2B, C)`` where ``C`` is the longest completion;
    ``pred_rows``/``pred_cols`` list, in row-major order of that mask, the positions whose
    hidden state predicts each completion token, and ``targets`` those tokens.
    """

    input_ids: Tensor
    attention_mask: Tensor
    completion_mask: Tensor
    pred_rows: Tensor
    pred_cols: Tensor
    targets: Tensor
    first_diff: Tensor
    lengths: Tensor

    @property
    def pairs(self) -> int:
        return int(self.input_ids.shape[0]) // 2

    def to(self, device: torch.device) -> Batch:
        """The same batch with every tensor on ``device``."""
        return Batch(*(getattr(self, name).to(device) for name in self.__slots__))


def collate(pairs: list[TokenizedPair], pad_id: int) -> Batch:
    """Pack pairs into one right-padded batch (chosen rows first, then rejected)."""
    sequences = [(p.prompt, p.chosen) for p in pairs] + [(p.prompt, p.rejected) for p in pairs]
    width = max(len(prompt) + len(completion) for prompt, completion in sequences)
    longest = max(len(completion) for _, completion in sequences)
    input_ids = torch.full((len(sequences), width), pad_id, dtype=torch.long)
    attention = torch.zeros((len(sequences), width), dtype=torch.long)
    completion_mask = torch.zeros((len(sequences), longest), dtype=torch.bool)
    rows: list[int] = []
    cols: list[int] = []
    targets: list[int] = []
    for row, (prompt, completion) in enumerate(sequences):
        tokens = prompt + completion
        input_ids[row, : len(tokens)] = torch.tensor(tokens)
        attention[row, : len(tokens)] = 1
        completion_mask[row, : len(completion)] = True
        rows.extend([row] * len(completion))
        cols.extend(range(len(prompt) - 1, len(tokens) - 1))
        targets.extend(completion)
    return Batch(
        input_ids=input_ids,
        attention_mask=attention,
        completion_mask=completion_mask,
        pred_rows=torch.tensor(rows, dtype=torch.long),
        pred_cols=torch.tensor(cols, dtype=torch.long),
        targets=torch.tensor(targets, dtype=torch.long),
        first_diff=torch.tensor([p.first_diff for p in pairs], dtype=torch.long),
        lengths=completion_mask.sum(dim=1),
    )


def decoder_and_head(model: Any) -> tuple[Any, Any]:
    """The transformer body (returns hidden states) and the output projection."""
    body = getattr(model, model.base_model_prefix, None)
    head = model.get_output_embeddings()
    if body is None or head is None:
        raise TypeError(f"{type(model).__name__} has no separate decoder and LM head")
    return body, head


def token_logprobs(model: Any, batch: Batch) -> Tensor:
    """Per-token log-probabilities of the completions, shape ``(2B, C)``, 0 on padding."""
    body, head = decoder_and_head(model)
    hidden = body(input_ids=batch.input_ids, attention_mask=batch.attention_mask, use_cache=False)
    states = hidden.last_hidden_state[batch.pred_rows, batch.pred_cols]
    logits = head(states).float()
    scale = getattr(model.config, "final_logit_softcapping", None)
    if scale:
        logits = torch.tanh(logits / scale) * scale
    picked = logits.gather(1, batch.targets[:, None]).squeeze(1) - torch.logsumexp(logits, dim=-1)
    out = torch.zeros(batch.completion_mask.shape, dtype=picked.dtype, device=picked.device)
    return out.masked_scatter(batch.completion_mask, picked)


def sequence_logprobs(per_token: Tensor) -> tuple[Tensor, Tensor]:
    """Summed log-probabilities of the chosen and of the rejected completions, ``(B,)`` each."""
    totals = per_token.sum(dim=1)
    half = totals.shape[0] // 2
    return totals[:half], totals[half:]


__all__ = ["Batch", "collate", "sequence_logprobs", "token_logprobs"]
