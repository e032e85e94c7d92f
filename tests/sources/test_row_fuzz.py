"""Property: whatever a row holds, pairing it gives pairs or a reject, never an exception."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import Any

import pyarrow as pa
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pairgen.config.spec import BuildSpec, SourceSpec
from pairgen.pipeline.steps import BatchPlan, process_batch
from pairgen.sources import get_source
from pairgen.sources.inputs import RawBatch

# any character, and lone surrogates often (JSON can carry them, so rows can)
SURROGATES = st.sampled_from(["\ud800", "\udc80", "\udfff", "\ud83d"])
TEXT = st.text(st.one_of(st.characters(), SURROGATES), max_size=40)
SCALARS = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(10**30), max_value=10**30),
    st.just(Decimal("9" * 5000)),  # a JSON integer too long for int(), as the readers give it
    st.floats(),
    TEXT,
    st.sampled_from(["0", "1", "²", "A", "B", " 1 ", "2021-01-01", "1+1=2\n#### 2"]),
)
VALUES = st.recursive(
    SCALARS,
    lambda inner: st.lists(inner, max_size=5) | st.dictionaries(TEXT, inner, max_size=4),
    max_leaves=12,
)
# ARC's choices in their real shape, with hostile texts and labels
ARC_CHOICES = st.fixed_dictionaries(
    {"text": st.lists(st.one_of(TEXT, VALUES), max_size=6), "label": st.lists(TEXT, max_size=6)}
)


def plan_for(name: str) -> BatchPlan:
    source = get_source(name)
    return BatchPlan(
        spec=BuildSpec(out=Path("unused"), sources=(SourceSpec(name),), seed=1),
        source=name,
        config=source.default_config,
        output_config=source.output_config(source.default_config),
        strategy=source.default_strategy,
    )


def rows_for(name: str) -> st.SearchStrategy[list[dict[str, Any]]]:
    columns = get_source(name).required_columns
    fields = {column: st.one_of(VALUES, TEXT) for column in columns}
    if name == "arc":
        fields["choices"] = st.one_of(ARC_CHOICES, VALUES)
    row = st.fixed_dictionaries(fields, optional={"extra": VALUES})
    return st.lists(row, min_size=1, max_size=6)


def check_never_raises(name: str, rows: list[dict[str, Any]]) -> None:
    result = process_batch(plan_for(name), RawBatch("train", "fuzz.jsonl", 0, rows))
    assert result.rows_in == len(rows) == result.rows_paired + result.rejects.num_rows
    result.pairs.validate(full=True)  # valid UTF-8 text in every column
    result.rejects.validate(full=True)
    assert isinstance(result.pairs, pa.Table)


FUZZ = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@FUZZ
@given(rows_for("gsm8k"))
def test_gsm8k_rows_never_raise(rows: list[dict[str, Any]]) -> None:
    check_never_raises("gsm8k", rows)


@FUZZ
@given(rows_for("metamath"))
def test_metamath_rows_never_raise(rows: list[dict[str, Any]]) -> None:
    check_never_raises("metamath", rows)


@FUZZ
@given(rows_for("arc"))
def test_arc_rows_never_raise(rows: list[dict[str, Any]]) -> None:
    check_never_raises("arc", rows)


@FUZZ
@given(rows_for("hellaswag"))
def test_hellaswag_rows_never_raise(rows: list[dict[str, Any]]) -> None:
    check_never_raises("hellaswag", rows)
