"""Name -> class registries that other packages extend through entry points.

Sources and strategies are looked up by the names users type (``--source gsm8k``,
``strategy: choice``).  pairgen's own are listed in code (``module:Class`` strings,
imported on first use, so one broken optional module never stops the others); any
installed distribution adds more by declaring an entry point in the registry's group::

    [project.entry-points."pairgen.sources"]
    mydata = "my_pairs.source:MyData"

    [project.entry-points."pairgen.strategies"]
    swap = "my_pairs.strategy:SwapStrategy"

Entry points are read through :func:`importlib.metadata.entry_points`, so a package is
found exactly as pip installed it (or as a ``*.dist-info`` folder on ``sys.path``).  A
name is one thing only: a plugin that reuses a built-in name, or two plugins with one
name, is an error naming both registrations, never a silent override (a build's output
would otherwise depend on which packages happen to be installed).
"""

from __future__ import annotations

import importlib
from collections.abc import MutableMapping
from dataclasses import dataclass
from importlib import metadata
from typing import Generic, TypeVar, cast

from pairgen.errors import PairgenError

T = TypeVar("T")
BUILT_IN = "pairgen"


@dataclass(frozen=True, slots=True)
class Registration:
    """Where a registered name leads: ``module:attr`` and who registered it."""

    name: str
    target: str
    origin: str  # BUILT_IN, or the distribution (pip package) that declared the entry point

    def describe(self) -> str:
        who = "built into pairgen" if self.origin == BUILT_IN else f"plugin package {self.origin!r}"
        return f"{who} ({self.target})"


class Registry(Generic[T]):
    """Classes of one kind (sources, strategies) by name: built-ins plus entry points.

    ``builtins`` is read at every lookup (a benchmark or a test may add to it in
    process); the installed entry points are read once and remembered (scanning every
    installed distribution costs milliseconds, and lookups happen per batch), until
    :meth:`refresh`.
    """

    def __init__(
        self,
        kind: tuple[str, str],
        group: str,
        base: str,
        builtins: MutableMapping[str, str],
    ) -> None:
        self.kind, self.kinds = kind  # ("strategy", "strategies"): for messages
        self.group = group
        self.base = base  # "module:Class", imported by load() (its module may be heavy)
        self.builtins = builtins
        self._plugins: dict[str, Registration] | None = None

    def refresh(self) -> None:
        """Forget the entry points read so far (after installing a plugin in process)."""
        self._plugins = None

    def registrations(self) -> dict[str, Registration]:
        """Every registered name; raises when two registrations claim one name."""
        found = {
            name: Registration(name, target, BUILT_IN) for name, target in self.builtins.items()
        }
        for name, plugin in self._plugin_registrations().items():
            if name in found:
                raise PairgenError(
                    f"{self.kind} {name!r} is registered twice: {found[name].describe()} and "
                    f"{plugin.describe()}; uninstall one or rename the plugin's entry point"
                )
            found[name] = plugin
        return found

    def names(self) -> list[str]:
        return sorted(self.registrations())

    def __contains__(self, name: object) -> bool:
        return isinstance(name, str) and name in self.registrations()

    def load(self, name: str) -> type[T]:
        """The class registered as ``name``, checked to be a ``base`` subclass of that name."""
        registrations = self.registrations()
        registration = registrations.get(name)
        if registration is None:
            known = ", ".join(sorted(registrations))
            raise PairgenError(f"unknown {self.kind} {name!r}; known {self.kinds}: {known}")
        module_name, _, attributes = registration.target.partition(":")
        try:
            loaded: object = importlib.import_module(module_name)
            for attribute in attributes.split(".") if attributes else ():
                loaded = getattr(loaded, attribute)
        except Exception as exc:  # a plugin's import error is the plugin's, say whose
            raise PairgenError(
                f"cannot load {self.kind} {name!r} from {registration.describe()}: "
                f"{type(exc).__name__}: {exc}"
            ) from exc
        base_module, _, base_name = self.base.partition(":")
        base = getattr(importlib.import_module(base_module), base_name)
        if not (isinstance(loaded, type) and issubclass(loaded, base)):
            raise PairgenError(
                f"{self.kind} {name!r} from {registration.describe()} is not a subclass of "
                f"{base.__module__}.{base.__qualname__}"
            )
        own_name = getattr(loaded, "name", None)
        if own_name != name:
            # The name is written into every pair row and looked up again by validate,
            # card and publish: the class and its registration must agree on it.
            raise PairgenError(
                f"{self.kind} {name!r} from {registration.describe()} calls itself "
                f"{own_name!r}; its entry point must use the same name"
            )
        return cast("type[T]", loaded)

    def _plugin_registrations(self) -> dict[str, Registration]:
        if self._plugins is None:
            plugins: dict[str, Registration] = {}
            for entry in metadata.entry_points(group=self.group):
                dist = getattr(entry, "dist", None)
                origin = dist.name if dist is not None else entry.value.partition(":")[0]
                registration = Registration(entry.name, entry.value, origin)
                if entry.name in plugins and plugins[entry.name] != registration:
                    raise PairgenError(
                        f"{self.kind} {entry.name!r} is registered twice: "
                        f"{plugins[entry.name].describe()} and {registration.describe()}"
                    )
                plugins[entry.name] = registration
            self._plugins = plugins
        return self._plugins


__all__ = ["BUILT_IN", "Registration", "Registry"]
