"""Checking a build: files and checksums (files), row invariants (rows), each split's shards
and totals (splits), orchestration (run) and what it hands back (report)."""

from pairgen.validate.report import ValidationReport
from pairgen.validate.run import validate_output

__all__ = ["ValidationReport", "validate_output"]
