"""``choices.jsonl``: every held-out multiple-choice question, as each model scored it.

One JSON line per (model, seed, question): a :class:`~pairgen.training.measurements.QuestionOutcome`
(the reference's lines once per seed, then each loss's).  report.json keeps the means;
this file keeps what a comparison between models needs question by question
(:mod:`pairgen.training.analysis.paired`): two runs with the same seed and held-out
share hold the same questions, and so do the reference and the losses of one run.

JSON Lines rather than Parquet: it sits beside ``metrics.jsonl`` in the same form, is
appended to per loss, reads with ``head``/``jq``, ``pandas.read_json(lines=True)`` and
DuckDB's ``read_json_auto``, and a few hundred questions per model are a few hundred KB.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from pathlib import Path

from pairgen.errors import PairgenError
from pairgen.training.measurements import QuestionOutcome
from pairgen.training.results import plain, without_nan

OUTCOMES_NAME = "choices.jsonl"


def write_outcomes(run_dir: Path, rows: Iterable[QuestionOutcome]) -> Path | None:
    """Write ``rows`` to ``run_dir/choices.jsonl``; with no row, remove a file an earlier
    run left there (a run folder describes its last run only).  The path, or None."""
    path = run_dir / OUTCOMES_NAME
    lines = [json.dumps(without_nan(plain(row))) + "\n" for row in rows]
    if not lines:
        path.unlink(missing_ok=True)
        return None
    path.write_text("".join(lines), encoding="utf-8")
    return path


def read_outcomes(run_dir: Path) -> list[QuestionOutcome]:
    """The outcomes a run folder (or a ``choices.jsonl`` itself) holds; one clear error
    when there are none."""
    path = run_dir if run_dir.is_file() else run_dir / OUTCOMES_NAME
    if not path.is_file():
        raise PairgenError(
            f"no {OUTCOMES_NAME} here: a `pairgen train` run of a multiple-choice build "
            "writes one (a maths build has no choices)",
            file=str(run_dir),
        )
    rows = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        try:
            rows.append(QuestionOutcome.from_dict(json.loads(line)))
        except (KeyError, TypeError, ValueError) as exc:
            raise PairgenError(
                f"not a question outcome ({exc})", file=str(path), row=number
            ) from exc
    return rows


__all__ = ["OUTCOMES_NAME", "read_outcomes", "write_outcomes"]
