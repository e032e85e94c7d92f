"""A row's choices as a list of texts and labels: lists, ``{text, label}`` structs, text.

One reading for every multiple-choice source that lists its choices (ARC, MMLU, PIQA, the
generic ``choice`` source), so they agree on what a choice is:

- **Whitespace inside a choice is kept as given**: newlines and indentation matter for
  code, and the chosen text must be the dataset's.  Only what surrounds it goes
  (common indentation, leading and trailing blank space: :func:`clean_choice_text`).
- **Labels**: a ``{text, label}`` struct's own (``(A)``, ``A)``, ``A.`` read as ``A``),
  else the labels the texts carry (``A)21``), else ``A``, ``B``, ... in order
  (:mod:`pairgen.sources.choices`).
- **A list stored as text** (a CSV's column): read when it is a JSON list of strings, a
  Python list literal of strings (``['a', 'b']``) or the NumPy array repr that
  ``datasets.Dataset.to_csv`` and pandas write (``['a' 'b']``: string literals separated
  by spaces only; Python itself would join them into ``'ab'``, so they are read one by
  one), and nothing else (:func:`parse_text_list`).

- **Texts that are only labels** (``["A", "B", "C", "D"]``: MathQA keeps the option texts
  in the question) are no choices: ``label_only_choices``
  (:func:`pairgen.sources.choices.labels_only`).

Reject codes: ``malformed_choices``, ``empty_choice``, ``duplicate_label``,
``too_few_choices``, ``too_many_choices``, ``label_only_choices``.
"""

from __future__ import annotations

import ast
import io
import json
import textwrap
import tokenize
from collections.abc import Mapping, Sequence

from pairgen.errors import RowRejected
from pairgen.sources.choices import (
    LETTERS,
    MAX_CHOICES,
    bare_label,
    labels_only,
    split_embedded_labels,
)

_IGNORED_TOKENS = {tokenize.NL, tokenize.NEWLINE, tokenize.ENDMARKER, tokenize.INDENT}


def clean_choice_text(text: str) -> str:
    """A choice text without the blank space around it; what is inside stays as given."""
    return textwrap.dedent(text).strip()


def parse_text_list(text: str) -> list[str] | None:
    """The strings of a list written as text (JSON, or a Python literal), else ``None``.

    Each string is read on its own: two literals side by side are two choices (NumPy),
    never one joined string (what ``ast.literal_eval`` of the whole would give).
    """
    stripped = text.strip()
    if not stripped.startswith("[") or not stripped.endswith("]"):
        return None
    try:
        value = json.loads(stripped)
    except ValueError:
        value = _python_list(stripped)
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        return None
    return value


def _python_list(text: str) -> list[object] | None:
    """The string literals of ``[...]``, comma-separated (a Python list's repr) or
    separated by spaces and line breaks only (a NumPy array's repr, which is what
    ``datasets.Dataset.to_csv`` writes); anything else, or a mix of the two, is no list."""
    try:
        tokens = [
            token
            for token in tokenize.generate_tokens(io.StringIO(text).readline)
            if token.type not in _IGNORED_TOKENS
        ]
    except (tokenize.TokenError, SyntaxError):
        return None
    inner = tokens[1:-1]
    strings = [token for token in inner if token.type == tokenize.STRING]
    if not strings:
        return [] if not inner else None
    commas = len(inner) - len(strings)
    if commas:  # Python: string, comma, string, ... and at most one trailing comma
        shape = ["str" if token.type == tokenize.STRING else token.string for token in inner]
        expected = ["str", ","] * len(strings)
        if shape not in (expected, expected[:-1]):
            return None
    try:
        return [ast.literal_eval(token.string) for token in strings]
    except (ValueError, SyntaxError, MemoryError, RecursionError):
        return None


def _mapping_detail(value: Mapping[object, object]) -> str:
    """Why a mapping is no choices: a label->text mapping (``{"A": "6", "B": "7"}``) is
    not read, since a struct column's keys are the union over all rows (a row without
    option E reads ``E: None``); one column per choice says the order and the count."""
    keys = [str(key) for key in value]
    if keys and "text" not in keys and all(isinstance(v, str | None) for v in value.values()):
        return (
            f"choices is a label->text mapping ({', '.join(keys)}), which is not read: "
            "flatten it into one column per choice and pass --column "
            f"choices={','.join(keys)}"
        )
    return "choices needs a 'text' and a 'label' list"


def read_choices(value: object) -> tuple[list[str], list[str]]:
    """The texts and labels of a row's choices (module doc), or the reject why not."""
    labels: Sequence[object] | None = None
    if isinstance(value, str):
        parsed = parse_text_list(value)
        if parsed is None:
            raise RowRejected("malformed_choices", f"choices is text, not a list: {value[:60]!r}")
        value = parsed
    if isinstance(value, Mapping):
        texts, labels = value.get("text"), value.get("label")
        if not isinstance(texts, list | tuple) or not isinstance(labels, list | tuple):
            raise RowRejected("malformed_choices", _mapping_detail(value))
        if len(texts) != len(labels):
            raise RowRejected("malformed_choices", f"{len(texts)} texts but {len(labels)} labels")
    elif isinstance(value, list | tuple):
        texts = value
    else:
        raise RowRejected("malformed_choices", f"choices is {type(value).__name__}, not a list")
    if not all(isinstance(item, str) for item in [*texts, *(labels or ())]):
        raise RowRejected("malformed_choices", "choice texts and labels must be strings")
    return checked_choices([str(t) for t in texts], None if labels is None else list(labels))


def checked_choices(
    texts: Sequence[str], labels: Sequence[object] | None
) -> tuple[list[str], list[str]]:
    """Clean texts and bare labels (module doc), checked: none empty, labels distinct,
    2 to :data:`MAX_CHOICES` choices, texts that are more than labels."""
    own = None if labels is None else [bare_label(str(label)) for label in labels]
    embedded = split_embedded_labels(texts)
    if embedded is not None and (own is None or own == embedded[0]):
        own, texts = embedded
    clean_texts = [clean_choice_text(text) for text in texts]
    clean_labels = own if own is not None else list(LETTERS[: len(clean_texts)])
    if any(not text for text in clean_texts) or any(not label for label in clean_labels):
        shown = clean_labels if labels is None else list(labels)
        raise RowRejected("empty_choice", f"an empty choice text or label in {shown}")
    if len(set(clean_labels)) != len(clean_labels):
        raise RowRejected("duplicate_label", f"labels {clean_labels}")
    if len(clean_texts) < 2:
        raise RowRejected("too_few_choices", f"{len(clean_texts)} choice(s)")
    if len(clean_texts) > MAX_CHOICES:
        raise RowRejected("too_many_choices", f"{len(clean_texts)} choices (at most {MAX_CHOICES})")
    if labels_only(clean_texts, clean_labels):
        raise RowRejected(
            "label_only_choices",
            f"the choice texts {clean_texts} are only labels, not the options' texts "
            "(those may be inside the question)",
        )
    return clean_texts, clean_labels


__all__ = ["checked_choices", "clean_choice_text", "parse_text_list", "read_choices"]
