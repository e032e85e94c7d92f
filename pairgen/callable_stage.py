"""Stage folders that are also the public function of the same name.

``build``, ``publish`` and ``train`` are stages (folders) and steps of a user's day
(functions re-exported from ``pairgen``).  Importing any module of a stage makes Python
bind the folder to that name on ``pairgen``, which would hide the function; so the folder
module itself is made callable.  ``pairgen.build(spec)`` runs a build whichever object
the name holds, and ``import pairgen.build.run`` keeps working.
"""

from __future__ import annotations

import importlib
import sys
import types
from typing import Any

__all__ = ["CallableStage", "make_callable"]


class CallableStage(types.ModuleType):
    """A stage package whose call runs its entry point (``"module:function"``)."""

    entry_point: str

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        module, name = self.entry_point.split(":")
        return getattr(importlib.import_module(module), name)(*args, **kwargs)


def make_callable(package: str, entry_point: str) -> None:
    """Turn the already-imported ``package`` into a :class:`CallableStage`."""
    module = sys.modules[package]
    module.__class__ = CallableStage
    module.entry_point = entry_point  # type: ignore[attr-defined]
