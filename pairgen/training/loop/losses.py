"""The margin-based preference losses of "Common Pitfalls of Margin-based Preference
Optimization in Language Model Alignment" (Yuan et al., ICLR 2025 submission; on arXiv as
"A Common Pitfall of Margin-based Language Model Alignment: Gradient Entanglement",
arXiv:2410.13828), eq. 8 and Table 2, written once.

Every loss here is one instance of

    loss = -( m( h_w(log π_w) - h_l(log π_l) ) + Λ(log π_w) )

where ``log π`` is the policy's summed log-probability of a completion, and ``m``,
``h_w``, ``h_l`` and ``Λ`` are scalar functions that may read the frozen reference
log-probabilities (``c_ref^w``, ``c_ref^l``), the completion lengths and the
hyper-parameters.  A loss is therefore a small :class:`MarginLoss` declaration, and the
pitfalls paper's analysis (the coefficients ``d_w`` and ``d_l`` of the gradient) applies to
all of them with the same code.

Where Table 2 is schematic the declarations follow the original papers, checked against
TRL 1.16's code where TRL has the loss, so that the loss decreases in the intended
direction; the differences are listed in :data:`NOTES` and in docs/training.md.  The
papers, and the TRL code each loss was checked against:

- ``dpo``: "Direct Preference Optimization: Your Language Model is Secretly a Reward
  Model", arXiv:2305.18290; TRL ``DPOTrainer`` ``loss_type="sigmoid"``
  (``trl/trainer/dpo_trainer.py``, ``_compute_loss``): the same value on the same batch
  (``tests/training/test_trl_losses.py``).
- ``dpop``: "Smaug: Fixing Failure Modes of Preference Optimisation with
  DPO-Positive", arXiv:2402.13228; TRL has no DPOP: ``tests/training/test_trl_losses.py``
  checks it, inside TRL's ``DPOTrainer`` (:mod:`pairgen.trl`), against the paper's
  formula written out by hand.
- ``ipo``: "A General Theoretical Paradigm to Understand Learning from Human
  Preferences", arXiv:2310.12036; TRL ``DPOTrainer`` ``loss_type="ipo"``, which divides
  the log-ratios by the completion's tokens (pairgen sums them, as the paper writes it).
- ``simpo``: "SimPO: Simple Preference Optimization with a Reference-Free Reward",
  arXiv:2405.14734; TRL ``CPOTrainer`` ``loss_type="simpo"``
  (``trl/experimental/cpo/cpo_trainer.py``), with ``cpo_alpha=0``.
- ``rdpo``: "Disentangling Length from Quality in Direct Preference Optimization",
  arXiv:2403.19159; not in TRL.
- ``cpo``: "Contrastive Preference Optimization: Pushing the Boundaries of LLM
  Performance in Machine Translation", arXiv:2401.08417; TRL ``CPOTrainer``
  ``loss_type="sigmoid"``, whose NLL term is a mean over tokens (pairgen's ``λ·log π_w``
  sums them).
- ``slic``: "SLiC-HF: Sequence Likelihood Calibration with Human Feedback",
  arXiv:2305.10425; TRL's ``loss_type="hinge"`` is the calibration term on log-ratios
  with β, without the SFT term: the paper's form is used here.
- ``rrhf``: "RRHF: Rank Responses to Align Language Models with Human Feedback without
  tears", arXiv:2304.05302; not in TRL.
- ``kto``: "KTO: Model Alignment as Prospect Theoretic Optimization", arXiv:2402.01306;
  TRL ``KTOTrainer`` (``trl/trainer/kto_trainer.py``) is unpaired and scales the
  reference point by β (``1 - σ(β(r_w - z))``); pairgen's paired form does not.
- ``sppo``: "Self-Play Preference Optimization for Language Model Alignment",
  arXiv:2405.00675; TRL ``DPOTrainer`` ``loss_type="sppo_hard"``: the same value on the
  same batch (``tests/training/test_trl_losses.py``).
- ``spo``: "Stable Preference Optimization for LLMs: A Bilevel Approach Beyond Direct
  Preference Optimization", arXiv:2507.07723; not in TRL.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from dataclasses import dataclass, field

import torch
import torch.nn.functional as F
from torch import Tensor

from pairgen.training.config import LOSS_NAMES, check_choice


@dataclass(frozen=True, slots=True)
class Hyper:
    """Hyper-parameters shared by the family; each loss reads the ones it needs.

    ``lam`` is the weight of the chosen-side term: DPOP's λ, the SFT weight of CPO,
    SLiC-HF and RRHF, SPO's penalty weight.  ``z_ref`` is KTO's reference point; ``None``
    means "estimate it from the batch" (see :func:`kto_reference_point`).
    """

    beta: float = 0.1
    lam: float = 50.0
    gamma: float = 1.0
    delta: float = 1.0
    alpha: float = 0.01
    lambda_w: float = 1.0
    lambda_l: float = 1.0
    z_ref: float | None = None


@dataclass(frozen=True, slots=True)
class PairContext:
    """What the scalar functions may read besides the policy log-probabilities.

    All tensors have shape ``(batch,)`` and carry no gradient.
    """

    ref_w: Tensor
    ref_l: Tensor
    len_w: Tensor
    len_l: Tensor
    hp: Hyper
    z_ref: Tensor

    @property
    def c_ref(self) -> Tensor:
        return self.ref_w - self.ref_l


Scalar = Callable[[Tensor, PairContext], Tensor]


def _identity(a: Tensor, _: PairContext) -> Tensor:
    return a


def _scaled(a: Tensor, c: PairContext) -> Tensor:
    return c.hp.beta * a


def _dpo_margin(a: Tensor, c: PairContext) -> Tensor:
    return F.logsigmoid(a - c.hp.beta * c.c_ref)


@dataclass(frozen=True, slots=True)
class MarginLoss:
    """One row of Table 2: the four scalar functions and the default hyper-parameters."""

    name: str
    m: Scalar
    h_w: Scalar = _scaled
    h_l: Scalar = _scaled
    reg: Scalar | None = None
    defaults: dict[str, float] = field(default_factory=dict)
    summary: str = ""

    def hyper(self, **overrides: float | None) -> Hyper:
        """This loss's defaults, with the overrides that are not ``None`` applied."""
        values: dict[str, float | None] = {**self.defaults}
        values.update({k: v for k, v in overrides.items() if v is not None})
        return dataclasses.replace(Hyper(), **values)  # type: ignore[arg-type]

    def __call__(self, logp_w: Tensor, logp_l: Tensor, ctx: PairContext) -> Tensor:
        """Per-pair loss values, shape ``(batch,)``; eq. 8 of the pitfalls paper."""
        inner = self.m(self.h_w(logp_w, ctx) - self.h_l(logp_l, ctx), ctx)
        if self.reg is not None:
            inner = inner + self.reg(logp_w, ctx)
        return -inner


def kto_reference_point(
    ctx_ref_w: Tensor, ctx_ref_l: Tensor, logp_w: Tensor, logp_l: Tensor
) -> Tensor:
    """KTO's ``z_ref`` for paired data: the batch mean log-ratio, clipped at 0, detached.

    KTO estimates the policy/reference KL on mismatched completions; with pairs we use
    the mean of both completions' log-ratios, which is the same estimator without the
    extra forward pass.  It is a constant of the loss (no gradient), as in KTO.
    """
    ratios = torch.cat([logp_w - ctx_ref_w, logp_l - ctx_ref_l]).detach()
    return ratios.mean().clamp(min=0.0).expand_as(logp_w)


def make_context(
    hp: Hyper,
    ref_w: Tensor,
    ref_l: Tensor,
    len_w: Tensor,
    len_l: Tensor,
    logp_w: Tensor,
    logp_l: Tensor,
) -> PairContext:
    """Bundle the constants of one batch (reference log-probs, lengths, ``z_ref``)."""
    if hp.z_ref is None:
        z = kto_reference_point(ref_w, ref_l, logp_w, logp_l)
    else:
        z = torch.full_like(logp_w, hp.z_ref)
    return PairContext(ref_w.detach(), ref_l.detach(), len_w.float(), len_l.float(), hp, z)


LOSSES: dict[str, MarginLoss] = {
    loss.name: loss
    for loss in [
        MarginLoss(
            "dpo",
            m=_dpo_margin,
            defaults={"beta": 0.1},
            summary="-log σ(β(r_w - r_l))",
        ),
        MarginLoss(
            "dpop",
            m=_dpo_margin,
            h_w=lambda a, c: c.hp.beta * (a - c.hp.lam * torch.relu(c.ref_w - a)),
            defaults={"beta": 0.1, "lam": 50.0},
            summary="-log σ(β(r_w - r_l - λ·max(0, log π_ref(y_w) - log π(y_w))))",
        ),
        MarginLoss(
            "ipo",
            m=lambda a, c: -((a - c.c_ref - 1.0 / (2.0 * c.hp.beta)) ** 2),
            h_w=_identity,
            h_l=_identity,
            defaults={"beta": 0.1},
            summary="(r_w - r_l - 1/(2β))²",
        ),
        MarginLoss(
            "simpo",
            m=lambda a, c: F.logsigmoid(a - c.hp.gamma),
            h_w=lambda a, c: c.hp.beta * a / c.len_w,
            h_l=lambda a, c: c.hp.beta * a / c.len_l,
            defaults={"beta": 2.0, "gamma": 1.0},
            summary="-log σ(β·log π_w/|y_w| - β·log π_l/|y_l| - γ)",
        ),
        MarginLoss(
            "rdpo",
            m=lambda a, c: F.logsigmoid(a - c.hp.beta * c.c_ref - c.hp.alpha * (c.len_w - c.len_l)),
            defaults={"beta": 0.1, "alpha": 0.01},
            summary="-log σ(β(r_w - r_l) - α(|y_w| - |y_l|))",
        ),
        MarginLoss(
            "cpo",
            m=lambda a, _: F.logsigmoid(a),
            reg=lambda a, c: c.hp.lam * a,
            defaults={"beta": 0.1, "lam": 1.0},
            summary="-log σ(β(log π_w - log π_l)) - λ·log π_w",
        ),
        MarginLoss(
            "slic",
            m=lambda a, c: torch.clamp(a - c.hp.delta, max=0.0),
            h_w=_identity,
            h_l=_identity,
            reg=lambda a, c: c.hp.lam * a,
            defaults={"delta": 1.0, "lam": 0.1},
            summary="max(0, δ - log π_w + log π_l) - λ·log π_w",
        ),
        MarginLoss(
            "rrhf",
            m=lambda a, _: torch.clamp(a, max=0.0),
            h_w=lambda a, c: a / c.len_w,
            h_l=lambda a, c: a / c.len_l,
            reg=lambda a, c: c.hp.lam * a,
            defaults={"lam": 1.0},
            summary="max(0, log π_l/|y_l| - log π_w/|y_w|) - λ·log π_w",
        ),
        MarginLoss(
            "kto",
            m=_identity,
            h_w=lambda a, c: c.hp.lambda_w * torch.sigmoid(c.hp.beta * (a - c.ref_w) - c.z_ref),
            h_l=lambda a, c: c.hp.lambda_l * torch.sigmoid(c.hp.beta * (a - c.ref_l) - c.z_ref),
            reg=lambda a, c: torch.full_like(a, -c.hp.lambda_w),
            defaults={"beta": 0.1},
            summary="λ_w(1 - σ(β r_w - z)) + λ_l(1 - σ(z - β r_l))",
        ),
        MarginLoss(
            "sppo",
            m=_identity,
            h_w=lambda a, c: -((a - c.ref_w - 1.0 / (2.0 * c.hp.beta)) ** 2),
            h_l=lambda a, c: (a - c.ref_l + 1.0 / (2.0 * c.hp.beta)) ** 2,
            defaults={"beta": 0.1},
            summary="(r_w - 1/(2β))² + (r_l + 1/(2β))²",
        ),
        MarginLoss(
            "spo",
            m=_dpo_margin,
            reg=lambda a, c: -c.hp.lam * torch.relu(c.ref_w - a),
            defaults={"beta": 0.1, "lam": 1.0},
            summary="-log σ(β(r_w - r_l)) + λ·max(0, log π_ref(y_w) - log π(y_w))",
        ),
    ]
}

NOTES: dict[str, str] = {
    "dpo": "m, h as Table 2, with the reference margin scaled by β (r = log π - log π_ref).",
    "dpop": "β multiplies the penalty too, as in Pal et al. (Table 2 leaves it outside).",
    "ipo": "m(a) = -(a - c_ref - 1/(2β))² so that minimising the loss fits the target; "
    "sequence-summed log-probs (TRL divides by the number of tokens).",
    "kto": "paired KTO; h_l uses σ(β r_l - z) and Λ = -λ_w (a constant) so the value is "
    "exactly KTO's; z is the detached batch mean log-ratio clipped at 0.",
    "sppo": "SPPO-hard as in TRL: targets ±1/(2β) for the log-ratios (Table 2 writes ±1/β).",
    "spo": "Stable Preference Optimization's bilevel problem (DPO subject to θ minimising the "
    "SFT loss on y_w) in "
    "penalty form: DPO + λ·max(0, SFT(θ) - SFT(θ_ref)) = DPO + λ·max(0, c_ref^w - log π_w). "
    "Unlike DPOP the penalty sits outside the sigmoid, in Λ.",
}


def get_loss(name: str) -> MarginLoss:
    """Look a loss up by name, with an error listing the known ones."""
    check_choice("loss", name.lower(), LOSS_NAMES)
    return LOSSES[name.lower()]


def gradient_coefficients(
    loss: MarginLoss, logp_w: Tensor, logp_l: Tensor, ctx: PairContext
) -> tuple[Tensor, Tensor]:
    """The pitfalls paper's ``d_w`` and ``d_l`` (eqs. 9-10 of arXiv:2410.13828):
    ``∇ℓ = -(d_w ∇log π_w - d_l ∇log π_l)``.

    Computed by autograd on the scalar form, so they hold for every declared loss.
    """
    w = logp_w.detach().clone().requires_grad_(True)
    lo = logp_l.detach().clone().requires_grad_(True)
    g_w, g_l = torch.autograd.grad(loss(w, lo, ctx).sum(), [w, lo])
    return -g_w, g_l


__all__ = [
    "LOSSES",
    "NOTES",
    "Hyper",
    "MarginLoss",
    "PairContext",
    "get_loss",
    "gradient_coefficients",
    "make_context",
]
