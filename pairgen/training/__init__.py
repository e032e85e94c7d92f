"""Reference DPO/DPOP training stage: proves on the user's own shards that the pairs work.

``pairgen train`` trains several margin-based losses (the pitfalls paper's eq. 8) from the
same start on the pairs and reports the chosen completion's log-prob before, at and
after the first differing token, against the reference (as in the Smaug paper).  Plain
PyTorch, no TRL.

The names below are imported on first use: ``import pairgen.training.losses`` must not pay
for transformers (the models) or matplotlib (the report).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from pairgen.lazy import lazy_exports

if TYPE_CHECKING:
    from pairgen.training.config import TrainConfig as TrainConfig
    from pairgen.training.losses import LOSSES as LOSSES
    from pairgen.training.losses import Hyper as Hyper
    from pairgen.training.losses import MarginLoss as MarginLoss
    from pairgen.training.losses import get_loss as get_loss
    from pairgen.training.models import LoadedModel as LoadedModel
    from pairgen.training.models import load_model as load_model
    from pairgen.training.trainer import train as train


__getattr__, __dir__, __all__ = lazy_exports(__name__, __file__, eager=())
