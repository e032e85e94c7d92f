"""Checking a build: files and checksums (files), row invariants (rows), orchestration (run)."""

from pairgen.validate.run import ValidationReport, validate_output

__all__ = ["ValidationReport", "validate_output"]
