"""Lazy re-exports: a package names what it offers without importing it up front.

``pairgen``, ``pairgen.train``, ``pairgen.sources``, ``pairgen.strategies`` and
``pairgen.sources.generic`` re-export names whose modules import pyarrow, torch or
transformers; importing them eagerly would make ``pairgen --help`` slow and the core
install depend on the extras.  Each package sets ``__getattr__ = lazy_exports(...)``.
"""

from __future__ import annotations

import importlib
import sys
from collections.abc import Callable, Mapping
from typing import Any

__all__ = ["lazy_exports"]


def lazy_exports(package: str, exports: Mapping[str, str]) -> Callable[[str], Any]:
    """A module ``__getattr__`` importing ``exports[name]`` (a module path) on first use.

    The value is cached on the package, so the import runs once per name.
    """

    def __getattr__(name: str) -> Any:
        module = exports.get(name)
        if module is None:
            raise AttributeError(f"module {package!r} has no attribute {name!r}")
        value = getattr(importlib.import_module(module), name)
        setattr(sys.modules[package], name, value)
        return value

    return __getattr__
