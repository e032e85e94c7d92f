"""The source and strategy registries: built-ins plus entry points, and no name twice."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from plugin_package import MODULE, NAME, write_installed

from pairgen.errors import PairgenError
from pairgen.sources import SOURCES, get_source, source_names
from pairgen.strategies import STRATEGIES, StrategyOptions, build_strategy, strategy_names


@pytest.fixture
def fresh_registries() -> Iterator[None]:
    """Registries that read the entry points again, before and after the test (which
    leaves no plugin module imported either)."""
    SOURCES.refresh()
    STRATEGIES.refresh()
    yield
    for module in [m for m in sys.modules if m.split(".")[0] == MODULE]:
        del sys.modules[module]
    SOURCES.refresh()
    STRATEGIES.refresh()


def install(monkeypatch: pytest.MonkeyPatch, site: Path, entry_points: str | None = None) -> None:
    """Put the plugin on ``sys.path``, optionally with other entry points declared."""
    write_installed(site)
    if entry_points is not None:
        (site / f"{MODULE}-0.1.0.dist-info" / "entry_points.txt").write_text(entry_points)
    monkeypatch.syspath_prepend(str(site))


@pytest.mark.usefixtures("fresh_registries")
def test_plugins_join_the_built_ins(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    assert "capitals" not in source_names()
    install(monkeypatch, tmp_path)
    SOURCES.refresh()
    STRATEGIES.refresh()
    assert {"gsm8k", "arc", "capitals"} <= set(source_names())
    assert {"arithmetic", "choice", "decoy"} <= set(strategy_names())
    source = get_source("capitals")
    assert source.default_strategy == "decoy"
    assert build_strategy("decoy", StrategyOptions()).name == "decoy"
    assert SOURCES.registrations()["capitals"].origin == NAME
    assert SOURCES.registrations()["gsm8k"].origin == "pairgen"


@pytest.mark.usefixtures("fresh_registries")
@pytest.mark.parametrize(
    ("group", "name", "kind"),
    [("pairgen.sources", "gsm8k", "source"), ("pairgen.strategies", "choice", "strategy")],
)
def test_a_plugin_cannot_take_a_built_in_name(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, group: str, name: str, kind: str
) -> None:
    install(monkeypatch, tmp_path, f"[{group}]\n{name} = {MODULE}.source:Capitals\n")
    registry = SOURCES if kind == "source" else STRATEGIES
    registry.refresh()
    with pytest.raises(PairgenError) as error:
        registry.load("arc" if kind == "source" else "arithmetic")
    message = str(error.value)
    assert f"{kind} {name!r} is registered twice" in message
    assert "built into pairgen" in message and f"plugin package {NAME!r}" in message
    assert f"{MODULE}.source:Capitals" in message


@pytest.mark.usefixtures("fresh_registries")
@pytest.mark.parametrize(
    ("entry_points", "problem"),
    [
        (f"[pairgen.sources]\ncities = {MODULE}.source:Capitals\n", "calls itself 'capitals'"),
        (f"[pairgen.sources]\ndecoy = {MODULE}.strategy:DecoyStrategy\n", "is not a subclass"),
        (f"[pairgen.sources]\nghost = {MODULE}.missing:Ghost\n", "ModuleNotFoundError"),
    ],
)
def test_a_broken_registration_is_one_clear_error(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, entry_points: str, problem: str
) -> None:
    install(monkeypatch, tmp_path, entry_points)
    SOURCES.refresh()
    name = entry_points.split("\n")[1].split(" = ")[0]
    with pytest.raises(PairgenError, match=problem) as error:
        get_source(name)
    assert f"plugin package {NAME!r}" in str(error.value)
    assert get_source("gsm8k").name == "gsm8k"  # the others still load


def test_an_unknown_name_lists_the_known_ones() -> None:
    with pytest.raises(PairgenError, match=r"unknown strategy 'nope'; known strategies: .*choice"):
        build_strategy("nope", StrategyOptions())
