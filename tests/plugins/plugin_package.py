"""A tiny third-party package that adds a source and a strategy to pairgen through entry points.

Written out by the tests, never imported from the test tree: pairgen must find it the
way it finds any installed distribution.  ``capitals`` is a source with bundled samples
(``{"country", "capital", "decoy"}`` rows); ``decoy`` is a strategy whose rejected
completion names the decoy city instead of the capital, with its own invariant check and
its own option (``decoy_case``: the decoy as written, or in capitals).  ``onewrong`` is
a strategy for pairgen's multiple-choice sources that makes one pair per question.
"""

from __future__ import annotations

import json
import textwrap
from pathlib import Path

NAME = "pairgen-capitals"
MODULE = "pairgen_capitals"
VERSION = "0.1.0"
ENTRY_POINTS = {
    "pairgen.sources": {"capitals": f"{MODULE}.source:Capitals"},
    "pairgen.strategies": {
        "decoy": f"{MODULE}.strategy:DecoyStrategy",
        "onewrong": f"{MODULE}.onewrong:OneWrongStrategy",
    },
}

SOURCE = '''
"""Capital cities: a plugin source for pairgen."""

from pathlib import Path

from pairgen.errors import RowRejected
from pairgen.record import Example
from pairgen.sources.base import Source


class Capitals(Source):
    name = "capitals"
    hub_repo = "example/capitals"
    configs = ("default",)
    splits = ("train", "test")
    required_columns = ("country", "capital", "decoy")
    default_strategy = "decoy"
    license = "cc0-1.0"
    pretty_name = "Capitals"
    citation = "@misc{capitals, title={Capital cities}, year={2024}}"
    samples_dir = Path(__file__).resolve().parent / "samples"

    def to_example(self, row, *, config, split, row_index):
        fields = [row.get(column) for column in self.required_columns]
        if not all(isinstance(value, str) and value for value in fields):
            raise RowRejected("missing_field", "country, capital and decoy are required")
        country, capital, decoy = fields
        return Example(
            source=self.name,
            config=config,
            split=split,
            source_id=self.source_id(row, row_index),
            question=f"What is the capital of {country}?",
            solution=f"The capital of {country} is {capital}.",
            meta={"capital": capital, "decoy": decoy},
        )
'''

STRATEGY = '''
"""The decoy strategy: the rejected completion names a wrong city."""

from dataclasses import dataclass

from pairgen.errors import RowRejected
from pairgen.strategies import OptionSet, option
from pairgen.strategies.base import Strategy


@dataclass(frozen=True)
class DecoyOptions(OptionSet):
    decoy_case: str = option(
        "keep", "Decoy: the decoy city as written (keep) or in capitals (upper).",
        choices=("keep", "upper"),
    )


class DecoyStrategy(Strategy):
    name = "decoy"
    Options = DecoyOptions
    check_columns = ("edit_start", "chosen_value", "rejected_value")

    def __init__(self, options):
        self.upper = options.decoy_case == "upper"

    def make_pairs(self, example, rng):
        capital, decoy = example.meta["capital"], example.meta["decoy"]
        if decoy == capital:
            raise RowRejected("no_decoy", "the decoy is the capital itself")
        decoy = decoy.upper() if self.upper else decoy
        chosen = example.solution
        rejected = chosen[: -len(capital) - 1] + decoy + "."
        return [example.paired(chosen, rejected, self.name, capital, decoy)]

    def check_pair(self, row):
        chosen, capital, decoy = row["chosen"], row["chosen_value"], row["rejected_value"]
        if not chosen.endswith(f" {capital}."):
            return "chosen does not end with chosen_value"
        if row["rejected"] != chosen[: -len(capital) - 1] + decoy + ".":
            return "rejected is not chosen with rejected_value in its place"
        if self.upper != decoy.isupper():
            return "the decoy's case is not the build's decoy_case"
        return None
'''

ONE_WRONG = '''
"""One wrong choice per question: a plugin strategy for pairgen's choice sources."""

from pairgen.errors import RowRejected
from pairgen.sources.choices import choice_completion
from pairgen.strategies.base import Strategy


class OneWrongStrategy(Strategy):
    """One pair per question: the right choice against the first wrong choice.

    Fewer pairs than pairgen's choice strategy, none sharing a question.
    """

    name = "onewrong"
    example_kind = "choices"

    def make_pairs(self, example, rng):
        gold = example.answer_index
        if gold is None:
            raise RowRejected("unlabeled", "the row has no answer label")
        wrong = 1 if gold == 0 else 0
        return [
            example.paired(
                choice_completion(example, gold), choice_completion(example, wrong), self.name,
                example.choice_labels[gold], example.choice_labels[wrong], edit_kind="choice",
            )
        ]
'''

ROWS = {
    "train": [
        ("France", "Paris", "Lyon"),
        ("Japan", "Tokyo", "Osaka"),
        ("Australia", "Canberra", "Sydney"),
        ("Canada", "Ottawa", "Toronto"),
        ("Brazil", "Brasilia", "Rio de Janeiro"),
        ("Turkey", "Ankara", "Istanbul"),
        ("Nigeria", "Abuja", "Lagos"),
        ("Morocco", "Rabat", "Rabat"),  # no decoy: a reject
    ],
    "test": [
        ("Switzerland", "Bern", "Zurich"),
        ("New Zealand", "Wellington", "Auckland"),
        ("Vietnam", "Hanoi", "Ho Chi Minh City"),
    ],
}


def write_sources(root: Path) -> Path:
    """The package's importable files (module and samples) under ``root``."""
    package = root / MODULE
    (package / "samples" / "default").mkdir(parents=True)
    (package / "__init__.py").write_text('"""Capital-city pairs for pairgen."""\n')
    (package / "source.py").write_text(textwrap.dedent(SOURCE).lstrip())
    (package / "strategy.py").write_text(textwrap.dedent(STRATEGY).lstrip())
    (package / "onewrong.py").write_text(textwrap.dedent(ONE_WRONG).lstrip())
    for split, rows in ROWS.items():
        lines = [json.dumps({"country": c, "capital": a, "decoy": d}) for c, a, d in rows]
        (package / "samples" / "default" / f"{split}.jsonl").write_text("\n".join(lines) + "\n")
    return package


def entry_points_txt() -> str:
    return "".join(
        f"[{group}]\n" + "".join(f"{name} = {target}\n" for name, target in targets.items()) + "\n"
        for group, targets in ENTRY_POINTS.items()
    )


def write_installed(site: Path) -> Path:
    """The package as an installed distribution: its files plus ``*.dist-info`` metadata,
    which is all :func:`importlib.metadata.entry_points` reads."""
    write_sources(site)
    info = site / f"{MODULE}-{VERSION}.dist-info"
    info.mkdir()
    (info / "METADATA").write_text(f"Metadata-Version: 2.1\nName: {NAME}\nVersion: {VERSION}\n")
    (info / "entry_points.txt").write_text(entry_points_txt())
    return site


def write_project(root: Path) -> Path:
    """The package as a source tree pip can install (pyproject with entry points)."""
    write_sources(root)
    groups = "".join(
        f'\n[project.entry-points."{group}"]\n'
        + "".join(f'{name} = "{target}"\n' for name, target in targets.items())
        for group, targets in ENTRY_POINTS.items()
    )
    (root / "pyproject.toml").write_text(
        textwrap.dedent(
            f"""\
            [build-system]
            requires = ["setuptools>=61"]
            build-backend = "setuptools.build_meta"

            [project]
            name = "{NAME}"
            version = "{VERSION}"

            [tool.setuptools]
            packages = ["{MODULE}"]

            [tool.setuptools.package-data]
            {MODULE} = ["samples/*/*.jsonl"]
            """
        )
        + groups
    )
    return root
