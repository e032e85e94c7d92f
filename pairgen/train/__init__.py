"""Reference DPO/DPOP training stage: proves on the user's own shards that the pairs work.

``pairgen train`` trains several margin-based losses (seed 001, eq. 8) from the same
start on the pairs and reports the chosen completion's log-prob before, at and after the
first differing token, against the reference (seed 000).  Plain PyTorch, no TRL.
"""

from __future__ import annotations

from pairgen.train.losses import LOSSES, Hyper, MarginLoss, get_loss
from pairgen.train.models import LoadedModel, load_model
from pairgen.train.trainer import TrainConfig, train

__all__ = [
    "LOSSES",
    "Hyper",
    "LoadedModel",
    "MarginLoss",
    "TrainConfig",
    "get_loss",
    "load_model",
    "train",
]
