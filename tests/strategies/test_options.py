"""Each strategy owns its options: declared once, collected over the registry, checked."""

from __future__ import annotations

import importlib.util
import pickle
import random
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from pairgen.config.spec import BuildSpec, SourceSpec
from pairgen.config.strategy_options import StrategyOptions
from pairgen.errors import PairgenError
from pairgen.pipeline import build
from pairgen.record import Example
from pairgen.strategies import (
    STRATEGIES,
    STRATEGY_CLASSES,
    STRATEGY_OPTIONS,
    OptionSet,
    build_strategy,
    option,
    option_fields,
    options_class,
    recorded_options,
)
from pairgen.strategies.base import Strategy
from pairgen.strategies.by_type.strategy import ROUTES

BUILT_IN = {
    "strip_annotations": False,
    "choice_template": "letter",
    "clean_markup": True,
    "math_tier": "strict",
}


@dataclass(frozen=True)
class WidthOptions(OptionSet):
    width: int = option(3, "Padded: how wide the rejected padding is.")


class PaddedStrategy(Strategy):
    """A strategy with one option of its own, registered in process."""

    name = "padded"
    Options = WidthOptions

    def __init__(self, options: WidthOptions) -> None:
        self.width = options.width

    def make_pairs(self, example: Example, rng: random.Random) -> list[Example]:
        text = example.solution
        rejected = text + "!" * self.width
        return [example.paired(text, rejected, self.name, "", "!" * self.width)]


@dataclass(frozen=True)
class ClashingOptions(OptionSet):
    strip_annotations: str = option("no", "Clashing: the same name, another type.")


class DeclaringStrategy(Strategy):
    """A strategy whose options are all there is to it: only their declaration is read."""

    def make_pairs(self, example: Example, rng: random.Random) -> list[Example]:
        raise NotImplementedError


class ClashingStrategy(DeclaringStrategy):
    name = "clashing"
    Options = ClashingOptions


@dataclass(frozen=True)
class PlainFieldOptions(OptionSet):
    width: int = field(default=3)


class PlainFieldStrategy(DeclaringStrategy):
    name = "plain_field"
    Options = PlainFieldOptions


def register(monkeypatch: pytest.MonkeyPatch, strategy: type[Strategy]) -> None:
    monkeypatch.setitem(STRATEGY_CLASSES, strategy.name, f"{__name__}:{strategy.__name__}")


def test_the_built_in_options_table_names_each_strategy_s_own_options() -> None:
    assert set(STRATEGY_OPTIONS) == set(STRATEGY_CLASSES)
    for name in STRATEGY_OPTIONS:
        assert options_class(name) is STRATEGIES.load(name).Options


def test_by_type_takes_the_options_of_every_rule_it_routes_to() -> None:
    own = set(option_fields())
    for _, name in ROUTES:
        routed = {f for f, d in option_fields().items() if name in d.strategies}
        assert routed <= own
        assert all("by_type" in option_fields()[f].strategies for f in routed)


def test_the_built_in_options_and_their_owners() -> None:
    fields = option_fields()
    assert {name: d.default for name, d in fields.items()} == BUILT_IN
    assert list(fields) == list(BUILT_IN)  # the order --help and the card's command use
    assert fields["strip_annotations"].strategies == ("arithmetic", "math", "by_type")
    assert fields["clean_markup"].applies("hellaswag", "choice")
    assert not fields["clean_markup"].applies("arc", "choice")
    assert fields["math_tier"].applies("metamath", "by_type")


def test_a_strategy_is_made_with_its_own_options_only() -> None:
    given = StrategyOptions(math_tier="carried", choice_template="sentence")
    math = build_strategy("math", given)
    assert math.options.math_tier == "carried"  # type: ignore[attr-defined]
    with pytest.raises(PairgenError, match="unknown math tier 'loose'; known: strict, carried"):
        build_strategy("math", StrategyOptions(math_tier="loose"))
    with pytest.raises(PairgenError, match="strip_annotations must be true or false, got 'no'"):
        build_strategy("arithmetic", {"strip_annotations": "no"})


def test_strategy_options_are_a_hashable_picklable_mapping() -> None:
    options = StrategyOptions(math_tier="carried")
    assert options == {"math_tier": "carried"} and dict(options) == {"math_tier": "carried"}
    assert hash(options) == hash(StrategyOptions({"math_tier": "carried"}))
    assert pickle.loads(pickle.dumps(options)) == options
    assert options | {"math_tier": "strict", "clean_markup": False} == {
        "math_tier": "strict",
        "clean_markup": False,
    }
    assert BuildSpec(out="o", sources=(), options={"math_tier": "carried"}).options == options


def test_a_plugin_option_is_recorded_where_its_strategy_is_used(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    register(monkeypatch, PaddedStrategy)
    assert option_fields()["width"].strategies == ("padded",)
    # pairgen's own are recorded always (manifests of earlier builds keep their hash)
    assert recorded_options(StrategyOptions(), ["arithmetic"]) == BUILT_IN
    assert recorded_options(StrategyOptions(), ["padded"]) == {**BUILT_IN, "width": 3}
    assert recorded_options(StrategyOptions(width=5), ["choice"]) == {**BUILT_IN, "width": 5}
    with pytest.raises(PairgenError, match="width must be a whole number, got '5'"):
        recorded_options(StrategyOptions(width="5"), ["padded"])
    with pytest.raises(
        PairgenError, match=r"unknown strategy option 'widht'.*did you mean 'width'"
    ):
        recorded_options(StrategyOptions(widht=5), ["padded"])


def test_a_plugin_option_reaches_its_strategy_in_a_build(
    monkeypatch: pytest.MonkeyPatch, gsm8k_file: Path, tmp_path: Path
) -> None:
    register(monkeypatch, PaddedStrategy)
    source = SourceSpec(
        "gsm8k", backend="files", data_files={"train": [str(gsm8k_file)]}, strategy="padded"
    )
    spec = BuildSpec(out=tmp_path / "out", sources=(source,), options=StrategyOptions(width=5))
    result = build(spec)
    assert result.manifest.options == {**BUILT_IN, "width": 5}
    train = result.manifest.configs["gsm8k"].splits["train"]
    assert train.rows_paired == train.rows_in > 0


def test_one_name_declared_two_ways_is_an_error_naming_both(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    register(monkeypatch, ClashingStrategy)
    with pytest.raises(PairgenError) as caught:
        option_fields()
    message = str(caught.value)
    assert "strategy option 'strip_annotations' is declared twice, differently" in message
    assert "arithmetic, math, by_type (bool, default False)" in message
    assert "clashing (str, default 'no')" in message


def test_an_option_made_without_option_is_an_error(monkeypatch: pytest.MonkeyPatch) -> None:
    register(monkeypatch, PlainFieldStrategy)
    with pytest.raises(PairgenError, match=r"declare each option with pairgen\.strategies\.option"):
        option_fields()


@dataclass(frozen=True)
class SeedOptions(OptionSet):
    seed: int = option(0, "Shadows --seed.")


class SeedStrategy(DeclaringStrategy):
    name = "seeded"
    Options = SeedOptions


@dataclass(frozen=True)
class JsonOptions(OptionSet):
    json: bool = option(False, "Shadows --json (the command's parameter is as_json).")


class JsonStrategy(DeclaringStrategy):
    name = "jsonish"
    Options = JsonOptions


def load_build_command() -> None:
    """Run ``pairgen/cli/build_cmd.py`` as ``pairgen build`` loads it (its flags are made
    at import, from the registered strategies), in a module object of its own so the
    imported one is left as it is."""
    spec = importlib.util.find_spec("pairgen.cli.build_cmd")
    assert spec is not None and spec.loader is not None
    spec.loader.exec_module(importlib.util.module_from_spec(spec))


@pytest.mark.parametrize(("strategy", "name"), [(SeedStrategy, "seed"), (JsonStrategy, "json")])
def test_an_option_may_not_shadow_a_build_setting(
    monkeypatch: pytest.MonkeyPatch, strategy: type[Strategy], name: str
) -> None:
    load_build_command()  # the command loads as it is
    register(monkeypatch, strategy)
    message = f"strategy option '{name}' of {strategy.name} has the name of a build setting"
    with pytest.raises(PairgenError, match=message):
        load_build_command()


@dataclass(frozen=True)
class RatioOptions(OptionSet):
    ratio: float = option(1, "Scaled: a float option whose default is written as 1.")


class RatioStrategy(DeclaringStrategy):
    name = "scaled"
    Options = RatioOptions


def test_a_float_option_holds_and_records_a_float_however_it_was_written(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """YAML ``ratio: 2`` and ``--ratio 2`` (click reads 2.0) are one setting: one manifest
    value, one config hash."""
    register(monkeypatch, RatioStrategy)
    for given in (2, 2.0):
        recorded = recorded_options(StrategyOptions(ratio=given), ["scaled"])["ratio"]
        assert type(recorded) is float and recorded == 2.0
        assert type(StrategyOptions(ratio=given).of(RatioOptions).ratio) is float
    default = recorded_options(StrategyOptions(), ["scaled"])["ratio"]
    assert type(default) is float and type(RatioOptions().ratio) is float
