"""The settings of a ``pairgen train`` run: one dataclass, each default written once.

This module imports neither torch nor transformers, so the CLI can read the defaults
and the choices (:data:`DEVICES`, :data:`DTYPES`) from here while ``pairgen --help``
stays instant.  The model-dependent defaults (learning rate, SFT warm-up, threads) are
resolved by the properties below, not by the caller.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field, fields
from pathlib import Path
from typing import Any

from pairgen.errors import PairgenError

# Short validation runs need a larger step than a long fine-tune; 2e-5 shows the effect on
# SmolLM2-135M in 16 steps of 4 pairs (see the README).
DEFAULT_LR = {"tiny": 1e-3, "smollm2-135m": 2e-5}
FALLBACK_LR = 5e-6
# A random model has no meaningful reference: by default ``tiny`` first learns the
# chosen completions for a while (the SFT warm-up), as a real base model would have.
# Pretrained models get none unless asked (--sft-steps).
DEFAULT_SFT_STEPS = {"tiny": 100}
# ... but never longer than twice the run it prepares: a warm-up step forwards only the
# chosen completions (about half a DPO step), so it costs at most what one loss does.
SFT_STEPS_PER_STEP = 2
# Held-out pairs are forwarded at every evaluation of every loss: a 25% share of a
# 7,468-pair build is 1,867 pairs per evaluation.  256 pairs give a mean log-prob to
# about +-0.01 nats per token on GSM8K; --max-eval-pairs raises the cap.
DEFAULT_MAX_EVAL_PAIRS = 256
# The curves of the plots need many points but not every held-out pair: the points
# between the first and the last are measured on the first 64 held-out pairs.
DEFAULT_CURVE_PAIRS = 64
# The tiny model's matrices are too small for intra-op threads to pay: one thread is ~3x
# faster than two on a busy 2-core machine.
DEFAULT_THREADS = {"tiny": 1}

# The choices of the settings below, for the CLI and for the checks in TrainConfig.
DEVICES = ("auto", "cpu", "cuda", "mps")  # auto: CUDA, then MPS, then the CPU
DTYPES = ("float32", "bfloat16", "float16")  # autocast dtypes; the weights stay float32
# How attention runs (pairgen.training.loop.attention): sdpa - the model's own
# implementation with a dense mask; flex - FlexAttention with a BlockMask (CUDA);
# auto - sdpa everywhere until the flex path has run on a GPU (AUTO_FLEX_DEVICES in
# pairgen.training.loop.attention), then flex on CUDA where the model and torch support it.
ATTENTIONS = ("auto", "sdpa", "flex")
LOSS_NAMES = ("dpo", "dpop", "ipo", "simpo", "rdpo", "cpo", "slic", "rrhf", "kto", "sppo", "spo")


def check_choice(kind: str, value: str, choices: tuple[str, ...]) -> None:
    """One clear error for a value that is not one of ``choices``."""
    if value not in choices:
        raise PairgenError(f"unknown {kind} {value!r}; choose from {', '.join(choices)}")


@dataclass(slots=True)
class TrainConfig:
    """Everything a run depends on; written to ``report.json`` as is."""

    out_dir: Path
    run_dir: Path
    model: str = "tiny"
    losses: list[str] = field(default_factory=lambda: ["dpo", "dpop"])
    steps: int = 50
    batch_size: int = 4
    grad_accum: int = 1
    lr: float | None = None
    weight_decay: float = 0.0
    beta: float | None = None
    lam: float | None = None
    max_length: int | None = None
    truncate: bool = True
    max_pairs: int | None = None
    split: str | None = None
    eval_fraction: float = 0.25
    max_eval_pairs: int = DEFAULT_MAX_EVAL_PAIRS
    curve_pairs: int = DEFAULT_CURVE_PAIRS
    eval_every: int | None = None
    log_every: int = 1
    sft_steps: int | None = None
    sft_lr: float | None = None
    grad_cosine: bool = False
    grad_pairs: int = 8
    tolerance: float = 0.05
    seed: int = 0
    seeds: int = 1
    threads: int | None = None
    device: str = "auto"
    dtype: str = "float32"
    attention: str = "auto"
    gradient_checkpointing: bool = False
    prefix_sharing: bool = True
    group_by_length: bool = True  # batches of pairs of similar length: less padding
    # Tokens per forward-only batch (reference, evaluation); None: what memory allows.
    forward_tokens: int | None = None
    lora_r: int | None = None  # LoRA rank (peft); None: train every weight
    lora_alpha: int | None = None  # LoRA scale alpha / r; None: 2 * lora_r
    save_model: Path | None = None  # DIR/<loss>/ (DIR/seed-<s>/<loss>/ with seeds > 1)
    # Completion positions projected onto the vocabulary at a time: 512 x 49K float32
    # logits (SmolLM2) are 100 MB, and the matmul is still large enough to run at speed.
    logit_chunk: int = 512
    progress: bool = True

    def __post_init__(self) -> None:
        for name in (
            "steps",
            "batch_size",
            "grad_accum",
            "log_every",
            "logit_chunk",
            "seeds",
            "max_eval_pairs",
            "curve_pairs",
        ):
            if getattr(self, name) < 1:
                raise PairgenError(f"{name} must be >= 1, got {getattr(self, name)}")
        if not 0 <= self.eval_fraction < 1:
            raise PairgenError(f"eval_fraction must be in [0, 1), got {self.eval_fraction}")
        if self.max_length is not None and self.max_length < 8:
            raise PairgenError(f"max_length must be >= 8, got {self.max_length}")
        if self.forward_tokens is not None and self.forward_tokens < 8:
            raise PairgenError(f"forward_tokens must be >= 8, got {self.forward_tokens}")
        if self.lora_r is not None and self.lora_r < 1:
            raise PairgenError(f"lora_r must be >= 1, got {self.lora_r}")
        check_choice("device", self.device, DEVICES)
        check_choice("dtype", self.dtype, DTYPES)
        check_choice("attention", self.attention, ATTENTIONS)
        for name in self.losses:
            check_choice("loss", name.lower(), LOSS_NAMES)

    @property
    def learning_rate(self) -> float:
        return self.lr if self.lr is not None else DEFAULT_LR.get(self.model, FALLBACK_LR)

    @property
    def warmup_steps(self) -> int:
        """--sft-steps, else the model's default capped at twice the run's steps."""
        if self.sft_steps is not None:
            return self.sft_steps
        return min(DEFAULT_SFT_STEPS.get(self.model, 0), SFT_STEPS_PER_STEP * self.steps)

    @property
    def eval_interval(self) -> int:
        """Steps between held-out evaluations: by default 8 points along the run, so the
        plots draw a curve; 0 means at the start and the end only."""
        return self.eval_every if self.eval_every is not None else max(1, self.steps // 8)

    @property
    def micro_batches(self) -> int:
        """Batches a loss trains on: ``steps x grad_accum``."""
        return self.steps * self.grad_accum

    def as_dict(self) -> dict[str, Any]:
        """The settings as report.json writes them (paths as strings)."""
        return {k: str(v) if isinstance(v, Path) else v for k, v in asdict(self).items()}

    @classmethod
    def from_dict(cls, values: dict[str, Any]) -> TrainConfig:
        """The settings from report.json (keys of another version are ignored)."""
        names = {f.name for f in fields(cls)}
        stored = {k: v for k, v in values.items() if k in names}
        for name in PATHS:
            if stored.get(name) is not None:
                stored[name] = Path(stored[name])
        return cls(**stored)


PATHS = ("out_dir", "run_dir", "save_model")  # the settings that are paths


__all__ = [
    "ATTENTIONS",
    "DEFAULT_CURVE_PAIRS",
    "DEFAULT_LR",
    "DEFAULT_MAX_EVAL_PAIRS",
    "DEFAULT_SFT_STEPS",
    "DEFAULT_THREADS",
    "DEVICES",
    "DTYPES",
    "FALLBACK_LR",
    "LOSS_NAMES",
    "SFT_STEPS_PER_STEP",
    "TrainConfig",
    "check_choice",
]
