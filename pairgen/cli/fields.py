"""Command-line options made from a settings dataclass's fields.

A setting's type and default are written once, on its dataclass (``TrainConfig``, a
strategy's ``Options``, ``BuildFlags``); the command line reads them from there.  Every
option made here defaults to ``None`` (not given), so only what the user typed is passed
on and the dataclass applies its own defaults; the help text shows those defaults, read
from the fields too.  The range checks stay in the dataclass as well, and reach the user as one
``error:`` line.
"""

from __future__ import annotations

import dataclasses
import inspect
import types
from collections.abc import Callable, Iterable, Mapping
from dataclasses import MISSING, dataclass
from pathlib import Path
from typing import Any, TypeVar, Union, get_args, get_origin, get_type_hints

import click

from pairgen.cli.choices import fixed
from pairgen.config import option_name
from pairgen.config.strategy_options import OptionField
from pairgen.errors import PairgenError

F = TypeVar("F", bound=Callable[..., Any])


@dataclass(frozen=True, slots=True)
class Flag:
    """How one dataclass field appears on the command line.

    ``decls``: the option's names (default :func:`~pairgen.config.option_name`, and
    ``--x/--no-x`` for a bool); ``choices``: a click type for the values (the allowed
    names, ``--loss``; a range); ``metavar``: how the help shows a value
    (``SPLIT=PATTERN``).
    """

    help: str
    decls: tuple[str, ...] = ()
    choices: click.ParamType[Any] | None = None
    metavar: str | None = None


def field_options(cls: type, flags: Mapping[str, Flag]) -> Callable[[F], F]:
    """Decorate a command with one option per entry of ``flags`` (in that order).

    Each option's keyword argument is the field's name; its value is ``None`` (or an
    empty tuple for a list) when the option was not given.
    """
    hints = get_type_hints(cls)
    by_name = {f.name: f for f in dataclasses.fields(cls)}

    def decorate(command: F) -> F:
        for name in reversed(list(flags)):
            command = _option(name, by_name[name], hints[name], flags[name])(command)
        return command

    return decorate


def strategy_options(options: Iterable[OptionField], taken: Iterable[str] = ()) -> Callable[[F], F]:
    """Decorate a command with one option per strategy option (``--math-tier``), made
    from its declaration.  An option may not take the name or the flag of one of the
    command's own settings (a plugin's ``seed`` would shadow ``--seed``): those are the
    command's parameters, the options already on it, and ``taken`` (the settings whose
    options are added after this decorator runs, ``BUILD_FLAGS``), checked here because
    click would only warn and let one value silently replace the other."""
    options = list(options)
    taken = list(taken)

    def decorate(command: F) -> F:
        params: list[click.Parameter] = getattr(command, "__click_params__", [])
        names = {*inspect.signature(command).parameters, *taken, *(p.name for p in params)}
        flags = {option_name(name) for name in taken}
        flags |= {flag for p in params for flag in (*p.opts, *p.secondary_opts)}
        for declared in reversed(options):
            spelled = option_name(declared.name)
            if declared.name in names or {spelled, "--no-" + spelled[2:]} & flags:
                raise PairgenError(
                    f"strategy option {declared.name!r} of {', '.join(declared.strategies)} "
                    f"has the name of a {command.__name__.removesuffix('_command')} setting; "
                    "rename the option"
                )
            choices = fixed(declared.noun, declared.info.choices) if declared.info.choices else None
            flag = Flag(declared.info.help, choices=choices)
            command = _option(declared.name, declared.field, declared.kind, flag)(command)
        return command

    return decorate


def given(values: Mapping[str, Any]) -> dict[str, Any]:
    """The options the user typed: ``None`` and empty repeatable options dropped."""
    return {
        k: list(v) if isinstance(v, tuple) else v for k, v in values.items() if v not in (None, ())
    }


def default_text(field: dataclasses.Field[Any]) -> str | None:
    """A field's default as the help shows it (``None`` when it has none to show)."""
    if field.default is not MISSING:
        value = field.default
    elif field.default_factory is not MISSING:
        value = field.default_factory()
    else:
        return None
    if value is None:
        return None
    if isinstance(value, bool):
        return "on" if value else "off"
    if isinstance(value, list | tuple):
        return ", ".join(map(str, value)) or None  # an empty repeatable option: none
    return str(value)


def _option(name: str, field: dataclasses.Field[Any], hint: Any, flag: Flag) -> Callable[[F], F]:
    kind, repeat = _base_type(hint)
    dashed = option_name(name)
    shown = default_text(field)
    help_text = flag.help + (f" (default: {shown})" if shown is not None else "")
    required = field.default is MISSING and field.default_factory is MISSING
    if kind is bool:
        decls = flag.decls or (f"{dashed}/--no-{dashed.removeprefix('--')}",)
        return click.option(*decls, name, is_flag=True, default=None, help=help_text)
    param_type: Any = flag.choices or (
        click.Path(path_type=Path) if kind is Path else click.types.convert_type(kind)
    )
    return click.option(
        *(flag.decls or (dashed,)),
        name,
        type=param_type,
        multiple=repeat,
        required=required,
        default=None,
        metavar=flag.metavar,
        help=help_text,
    )


def _base_type(hint: Any) -> tuple[type, bool]:
    """``int | None`` -> (int, False); ``list[str]``, ``tuple[str, ...]`` -> (str, True)."""
    if get_origin(hint) in (Union, types.UnionType):
        hint = next(arg for arg in get_args(hint) if arg is not type(None))
    if get_origin(hint) is list:
        (item,) = get_args(hint)
        return item, True
    if get_origin(hint) is tuple and get_args(hint)[1:] == (Ellipsis,):
        return get_args(hint)[0], True
    if not isinstance(hint, type):
        raise TypeError(f"no command-line type for {hint!r}")
    return hint, False


__all__ = ["Flag", "default_text", "field_options", "given", "strategy_options"]
