"""The MATH rule against pairs drawn from all 12,500 MATH rows and read by hand.

``tests/data/math_read20.jsonl`` and ``math_read27.jsonl`` (attribution beside each):
issue 20's independent readings.  For each, a reader who never saw the rule's code
labelled 100 pairs of a strict build and 100 carried pairs of a ``--math-tier carried``
build (``tier``) as ``computed`` or one of the non-computed kinds (``constant``,
``given``, ``hypothesis``, ``wrong_in_kind``), or ``unsure`` (not judged).  A pair read as
non-computed whose edited value is a site of its tier again is a precision failure; the
second reading's pairs the rule still edits are listed by id in :data:`KNOWN_MISSES`, so
that a fix shows (remove the id) and any other pair coming back fails, named with the
reader's note.  The judging code is ``benchmarks/math_reading.py``'s, which prints the
same figures as a table.
"""

from __future__ import annotations

import importlib.util
from functools import cache
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

SCRIPT = Path(__file__).resolve().parents[2] / "benchmarks" / "math_reading.py"

# the second reading's non-computed pairs the rule still edits (issue 20, left open)
KNOWN_MISSES: dict[str, frozenset[str]] = {
    "math_read20.jsonl": frozenset(),
    "math_read27.jsonl": frozenset(
        {
            "hendrycks_math/train/8690/0",
            "hendrycks_math/train/2731/0",
            "hendrycks_math/train/3957/0",
            "hendrycks_math/train/10301/0",
            "hendrycks_math/train/6217/0",
            "hendrycks_math/train/7318/0",
            "hendrycks_math/train/10147/0",
            "hendrycks_math/train/6944/0",
            "hendrycks_math/train/10360/0",
            "hendrycks_math/train/4592/0",
            "hendrycks_math/train/6240/0",
            "hendrycks_math/train/2489/0",
            "hendrycks_math/train/2993/0",
            "hendrycks_math/train/8269/0",
            "hendrycks_math/train/1250/0",
            "hendrycks_math/train/11650/0",
            "hendrycks_math/train/6097/0",
            "hendrycks_math/train/3440/0",
            "hendrycks_math/train/4753/0",
            "hendrycks_math/train/1778/0",
        }
    ),
}


@cache
def reading() -> ModuleType:
    spec = importlib.util.spec_from_file_location("math_reading", SCRIPT)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@cache
def _rows(name: str) -> tuple[dict[str, Any], ...]:
    return tuple(reading().load(reading().DATA / name))


NAMES = sorted(KNOWN_MISSES)


def test_every_reading_is_covered():
    assert sorted(p.name for p in reading().readings()) == NAMES


@pytest.mark.parametrize("name", NAMES)
def test_read_rows_are_what_they_say(name):
    rows = _rows(name)
    assert [sum(r["tier"] == t for r in rows) for t in ("strict", "carried")] == [100, 100]
    assert {r["label"] for r in rows} <= set(reading().LABELS)
    for row in rows:
        start, end = reading().edited_span(row)
        assert row["solution"][start:end] == row["chosen_value"]


@pytest.mark.parametrize("tier", ["strict", "carried"])
@pytest.mark.parametrize("name", NAMES)
def test_no_pair_read_as_non_computed_comes_back(name, tier):
    back = reading().still_non_computed(_rows(name), tier)
    new = {k: v for k, v in back.items() if k not in KNOWN_MISSES[name]}
    assert not new, f"{tier} pairs read as non-computed are sites again: {new}"


@pytest.mark.parametrize("tier", ["strict", "carried"])
@pytest.mark.parametrize("name", NAMES)
def test_known_misses_are_still_misses(name, tier):
    # a fix must remove its id from KNOWN_MISSES, so the list says what is left
    back = reading().still_non_computed(_rows(name), tier)
    known = {r["id"] for r in _rows(name) if r["tier"] == tier and r["id"] in KNOWN_MISSES[name]}
    assert known <= set(back), f"fixed, remove from KNOWN_MISSES: {sorted(known - set(back))}"


@pytest.mark.parametrize("tier", ["strict", "carried"])
@pytest.mark.parametrize("name", NAMES)
def test_computed_pairs_mostly_stay(name, tier):
    # the refusals must not cost the results the readers confirmed: at most 5% of them go
    computed = [r for r in _rows(name) if r["tier"] == tier and r["label"] == "computed"]
    kept = sum(reading().produced(r) for r in computed)
    assert kept >= 0.95 * len(computed), f"{kept}/{len(computed)} computed {tier} pairs kept"
