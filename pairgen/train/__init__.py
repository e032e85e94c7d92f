"""Reference DPO/DPOP training stage: proves on the user's own shards that the pairs work.

``pairgen train`` trains several margin-based losses (the pitfalls paper's eq. 8) from the
same start on the pairs and reports the chosen completion's log-prob before, at and
after the first differing token, against the reference (as in the Smaug paper).  Plain
PyTorch, no TRL.

The names below are imported on first use: ``import pairgen.train.losses`` must not pay
for transformers (the models) or matplotlib (the report).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from pairgen.callable_stage import make_callable
from pairgen.lazy import lazy_exports

_EXPORTS: dict[str, str] = {
    "LOSSES": "pairgen.train.losses",
    "Hyper": "pairgen.train.losses",
    "MarginLoss": "pairgen.train.losses",
    "get_loss": "pairgen.train.losses",
    "LoadedModel": "pairgen.train.models",
    "load_model": "pairgen.train.models",
    "TrainConfig": "pairgen.train.config",
    "train": "pairgen.train.trainer",
}

if TYPE_CHECKING:
    from pairgen.train.config import TrainConfig
    from pairgen.train.losses import LOSSES, Hyper, MarginLoss, get_loss
    from pairgen.train.models import LoadedModel, load_model
    from pairgen.train.trainer import train


__getattr__ = lazy_exports(__name__, _EXPORTS)


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

# ``pairgen.train`` is also the API function (see pairgen.callable_stage).
make_callable(__name__, "pairgen.train.trainer:train")
