"""Strategy options: how a strategy declares them, and the values a build gives them.

Each strategy owns its options: a frozen dataclass subclassing :class:`OptionSet`, named
by the strategy's ``Options`` class attribute, with one field per option made by
:func:`option` (default, help text, allowed values).  That one field is where the
command-line flag (``--math-tier``), the pipeline file's key (``options: {math_tier:
carried}``), the value check, the card's row and the card's rebuild command all come
from (:func:`pairgen.strategies.option_fields` collects them over every registered
strategy, plugins included).

A build is given option values by name, :class:`StrategyOptions`; each strategy is made
with the values of the options it declares, its defaults for the rest.  This module is
light (no pyarrow): ``pairgen build --help`` reads it.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator, Mapping
from dataclasses import MISSING, dataclass
from typing import Any, TypeVar, get_type_hints

from pairgen.errors import PairgenError

T = TypeVar("T")
OptionsT = TypeVar("OptionsT", bound="OptionSet")
# where :func:`option` keeps a field's help text, allowed values and sources
METADATA_KEY = "pairgen.option"
# the types an option may have: what a flag and a YAML scalar can both say
OPTION_TYPES: dict[type, str] = {
    bool: "true or false",
    int: "a whole number",
    float: "a number",
    str: "a string",
}


@dataclass(frozen=True, slots=True)
class OptionInfo:
    """What :func:`option` records on a field besides its default."""

    help: str
    choices: tuple[str, ...] = ()
    sources: tuple[str, ...] = ()


def option(
    default: T, help: str, *, choices: tuple[str, ...] = (), sources: tuple[str, ...] = ()
) -> T:
    """One strategy option, as a dataclass field of an :class:`OptionSet`.

    ``help`` is the flag's help text; ``choices`` the allowed values of a ``str`` option
    (``--math-tier [strict|carried]``); ``sources`` the sources whose rows the option
    changes anything for (empty: every source the strategy pairs), so a card lists it
    only there (``clean_markup`` matters for HellaSwag alone).
    """
    info = OptionInfo(help, choices, sources)
    return dataclasses.field(default=default, metadata={METADATA_KEY: info})


@dataclass(frozen=True, slots=True)
class OptionSet:
    """The base of a strategy's options dataclass (and the options of one with none).

    Each value is checked when the options are made (its type, its allowed values), so a
    wrong value is one clear line wherever it came from: a flag, a pipeline file, a
    manifest, Python.
    """

    def __post_init__(self) -> None:
        for declared in declared_options(type(self)):
            value = getattr(self, declared.name)
            declared.check(value)
            object.__setattr__(self, declared.name, declared.normalized(value))


@dataclass(frozen=True, slots=True)
class OptionField:
    """One option as the command line, pipeline files and cards see it.

    ``strategies``: the registered strategies that declare it (two may share an option
    declared alike, as ``math`` shares the arithmetic rule's ``strip_annotations``).
    """

    name: str
    kind: type
    default: Any
    info: OptionInfo
    field: dataclasses.Field[Any]
    strategies: tuple[str, ...] = ()

    @property
    def noun(self) -> str:
        """How messages name the option: ``math tier``."""
        return self.name.replace("_", " ")

    def applies(self, source: str, strategy: str) -> bool:
        """Whether the option changes anything for pairs of ``source`` made by ``strategy``."""
        return strategy in self.strategies and (
            not self.info.sources or source in self.info.sources
        )

    def same_as(self, other: OptionField) -> bool:
        """Whether two declarations mean one option (type, default and allowed values)."""
        return (self.kind, self.default, self.info.choices) == (
            other.kind,
            other.default,
            other.info.choices,
        )

    def describe(self) -> str:
        return f"{self.kind.__name__}, default {self.default!r}" + (
            f", one of {', '.join(self.info.choices)}" if self.info.choices else ""
        )

    def with_strategy(self, strategy: str) -> OptionField:
        """This option, declared by ``strategy`` too."""
        return dataclasses.replace(self, strategies=(*self.strategies, strategy))

    def check(self, value: Any) -> None:
        """``value`` fits the option (type, allowed values), or one line saying why not."""
        kind = self.kind
        fits = isinstance(value, kind) and (kind is bool or not isinstance(value, bool))
        if kind is float and isinstance(value, int) and not isinstance(value, bool):
            fits = True  # 1 is a float option's 1.0, as in YAML
        if not fits:
            raise PairgenError(
                f"{self.name} must be {OPTION_TYPES[kind]}, got {value!r}", field=self.name
            )
        if self.info.choices and value not in self.info.choices:
            raise PairgenError(
                f"unknown {self.noun} {value!r}; known: {', '.join(self.info.choices)}"
            )

    def normalized(self, value: Any) -> Any:
        """``value`` as the option holds it: a ``float`` option's whole number as a float, so
        ``x: 1`` in a pipeline file and ``--x 1`` record (and hash) the same ``1.0``."""
        return float(value) if self.kind is float else value

    def command_args(self, value: Any) -> list[str]:
        """The flag that sets ``value`` on ``pairgen build`` (``--no-clean-markup``)."""
        flag = "--" + self.name.replace("_", "-")
        if self.kind is bool:
            return [flag if value else "--no-" + flag[2:]]
        return [flag, str(value)]


def declared_options(options: type[OptionSet]) -> tuple[OptionField, ...]:
    """The options an :class:`OptionSet` subclass declares, in field order; a field made
    without :func:`option`, without a default or of another type is a clear error."""
    if options not in _DECLARED:
        _DECLARED[options] = _read_declarations(options)
    return _DECLARED[options]


# read once per class: every OptionSet made checks its values against them
_DECLARED: dict[type[OptionSet], tuple[OptionField, ...]] = {}


def _read_declarations(options: type[OptionSet]) -> tuple[OptionField, ...]:
    where = f"{options.__module__}.{options.__qualname__}"
    if not (isinstance(options, type) and issubclass(options, OptionSet)):
        raise PairgenError(f"{where} is not a subclass of {OptionSet.__module__}.OptionSet")
    hints = get_type_hints(options)
    found = []
    for field in dataclasses.fields(options):
        info = field.metadata.get(METADATA_KEY)
        if not isinstance(info, OptionInfo) or field.default is MISSING:
            raise PairgenError(
                f"{where}.{field.name}: declare each option with "
                "pairgen.strategies.option(default, help)"
            )
        kind = hints[field.name]
        if kind not in OPTION_TYPES:
            allowed = ", ".join(k.__name__ for k in OPTION_TYPES)
            raise PairgenError(f"{where}.{field.name}: an option is one of {allowed}, not {kind}")
        declared = OptionField(field.name, kind, field.default, info, field)
        declared.check(field.default)
        found.append(declared)
    return tuple(found)


class StrategyOptions(Mapping[str, Any]):
    """Strategy option values by name, as a build is given them.

    ``StrategyOptions(math_tier="carried")`` is what ``--math-tier carried`` or a pipeline
    file's ``options: {math_tier: carried}`` gives; an option not given takes its
    strategy's default.  Immutable and hashable (the worker processes cache a strategy
    per options).  Which names exist is checked by the build
    (:func:`pairgen.strategies.check_options`), since plugins add options.
    """

    __slots__ = ("_values",)
    _values: dict[str, Any]

    def __init__(self, values: Mapping[str, Any] | None = None, /, **named: Any) -> None:
        self._values = {**(values or {}), **named}

    def __getitem__(self, name: str) -> Any:
        return self._values[name]

    def __iter__(self) -> Iterator[str]:
        return iter(self._values)

    def __len__(self) -> int:
        return len(self._values)

    def __hash__(self) -> int:
        return hash(tuple(sorted(self._values.items())))

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Mapping) and self._values == dict(other)

    def __or__(self, other: Mapping[str, Any]) -> StrategyOptions:
        """These values, those of ``other`` winning (flags over a pipeline file's)."""
        return StrategyOptions({**self._values, **other})

    def __repr__(self) -> str:
        given = ", ".join(f"{name}={value!r}" for name, value in self._values.items())
        return f"StrategyOptions({given})"

    def __reduce__(self) -> tuple[type[StrategyOptions], tuple[dict[str, Any]]]:
        return (StrategyOptions, (self._values,))

    def of(self, options: type[OptionsT]) -> OptionsT:
        """The values of the options ``options`` declares, made into it (defaults for the
        rest, each value checked)."""
        names = [declared.name for declared in declared_options(options)]
        return options(**{name: self._values[name] for name in names if name in self._values})


__all__ = [
    "OPTION_TYPES",
    "OptionField",
    "OptionInfo",
    "OptionSet",
    "StrategyOptions",
    "declared_options",
    "option",
]
