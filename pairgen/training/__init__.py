"""Reference DPO/DPOP training stage: proves on the user's own shards that the pairs work.

``pairgen train`` trains several margin-based losses (eq. 8 of "A Common Pitfall of
Margin-based Language Model Alignment: Gradient Entanglement", arXiv:2410.13828) from the
same start on the pairs and reports the chosen completion's log-prob before, at and
after the first differing token, against the reference (as in "Smaug: Fixing Failure
Modes of Preference Optimisation with DPO-Positive", arXiv:2402.13228).  Plain PyTorch,
no TRL.

Two folders: ``loop/`` trains (data, batches, forward, losses, the trainer) and
``analysis/`` reads what the training did (effects, accuracy, gradients, the report,
seeds); ``run.py`` joins them, ``results.py`` and ``measurements.py`` are the typed
records both share, ``config.py`` the settings.

The names below are imported on first use: ``import pairgen.training.loop.losses`` must
not pay for transformers (the models) or matplotlib (the report).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from pairgen.lazy import lazy_exports

if TYPE_CHECKING:
    from pairgen.training.config import TrainConfig as TrainConfig
    from pairgen.training.loop.losses import LOSSES as LOSSES
    from pairgen.training.loop.losses import Hyper as Hyper
    from pairgen.training.loop.losses import MarginLoss as MarginLoss
    from pairgen.training.loop.losses import get_loss as get_loss
    from pairgen.training.loop.models import LoadedModel as LoadedModel
    from pairgen.training.loop.models import load_model as load_model
    from pairgen.training.results import TrainResult as TrainResult
    from pairgen.training.run import train as train


__getattr__, __dir__, __all__ = lazy_exports(__name__, __file__, eager=())
