"""What :func:`pairgen.validate.run.validate_output` hands back: violations, counts, notes.

A module of its own because both the driver (:mod:`pairgen.validate.run`) and the split
checks it calls (:mod:`pairgen.validate.splits`) fill it in: neither has to import the
other for it.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from pairgen.validate.rebuild import SplitRebuild
from pairgen.validate.rows import Violation


@dataclass
class ValidationReport:
    """The outcome of :func:`validate_output`; ``ok`` only with no violation at all."""

    out: Path
    violations: list[Violation] = field(default_factory=list)
    pairs_checked: int = 0
    shards_checked: int = 0
    seconds: float = 0.0
    rebuilt: list[SplitRebuild] = field(default_factory=list)  # with ``rebuild=True``
    rebuild_seconds: float = 0.0  # not in ``seconds``, which times the checks
    notes: list[str] = field(default_factory=list)  # what was not checked, and why
    source_pairs_checked: int = 0  # pairs compared with their rows in the recorded inputs

    @property
    def ok(self) -> bool:
        return not self.violations

    def by_check(self) -> Counter[str]:
        return Counter(v.check for v in self.violations)


__all__ = ["ValidationReport"]
