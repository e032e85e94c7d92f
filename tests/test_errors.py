"""The one-line rendering of third-party error messages."""

from __future__ import annotations

from pairgen.errors import whole_message


def test_every_line_of_a_message_is_kept_on_one_line() -> None:
    exc = ValueError('Binder Error: column "nme" not found!\n\nCandidate bindings: "name"\n')
    assert whole_message(exc) == 'Binder Error: column "nme" not found!; Candidate bindings: "name"'


def test_an_empty_message_names_the_exception_type() -> None:
    assert whole_message(OSError()) == "OSError"


def test_only_a_very_long_message_is_capped_and_says_how_much_was_left_out() -> None:
    text = "x" * 30 + "y" * 12
    assert whole_message(RuntimeError(text), cap=30) == "x" * 30 + "…(12 more characters)"
    assert whole_message(RuntimeError(text), cap=len(text)) == text
