"""Lazy re-exports: a package names what it offers without importing it up front.

``pairgen``, ``pairgen.training``, ``pairgen.sources``, ``pairgen.strategies`` and
``pairgen.sources.generic`` re-export names whose modules import pyarrow, torch or
transformers; importing them eagerly would make ``pairgen --help`` slow and the core
install depend on the extras.

The re-exports are written once, as the package's ``if TYPE_CHECKING:`` imports (what
type checkers and readers see); :func:`lazy_exports` reads that block from the package's
own source with :mod:`ast` and imports a name on first use.  The same idea as
scientific-python's ``lazy_loader.attach_stub`` (SPEC 1), without a separate stub file.
"""

from __future__ import annotations

import ast
import importlib
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

__all__ = ["LazyExports", "lazy_exports", "type_checking_imports"]


def type_checking_imports(module_file: str) -> dict[str, str]:
    """``name -> defining module`` for each ``from M import name`` under ``if TYPE_CHECKING``."""
    tree = ast.parse(Path(module_file).read_text(encoding="utf-8"))
    exports: dict[str, str] = {}
    for node in tree.body:
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            for stmt in node.body:
                if isinstance(stmt, ast.ImportFrom) and stmt.module:
                    for alias in stmt.names:
                        exports[alias.asname or alias.name] = stmt.module
    return exports


class LazyExports:
    """A package's lazy re-exports: its ``__getattr__``, ``__dir__`` and ``__all__``."""

    def __init__(self, package: str, module_file: str, eager: tuple[str, ...] = ()) -> None:
        self.package = package
        self.table = type_checking_imports(module_file)
        self.all = sorted({*eager, *self.table})

    def getattr(self, name: str) -> Any:
        module = self.table.get(name)
        if module is None:
            raise AttributeError(f"module {self.package!r} has no attribute {name!r}")
        value = getattr(importlib.import_module(module), name)
        setattr(sys.modules[self.package], name, value)  # cached: the import runs once
        return value

    def dir(self) -> list[str]:
        return list(self.all)


def lazy_exports(
    package: str, module_file: str, eager: tuple[str, ...] = ()
) -> tuple[Callable[[str], Any], Callable[[], list[str]], list[str]]:
    """``(__getattr__, __dir__, __all__)`` for ``package`` from its TYPE_CHECKING imports.

    ``eager`` names what the package defines itself (also public, also in ``__all__``).
    """
    exports = LazyExports(package, module_file, eager)
    return exports.getattr, exports.dir, exports.all
