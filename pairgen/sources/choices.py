"""How a multiple-choice example is written as text, and read back: labels, choice lines.

Sources write the choice list into their prompts and few-shot exemplars with these
helpers, and the choice strategy writes its completions with them, so the prompt, the
completions and the validator agree on one spelling (``(B) photosynthesis``).  The
reading side lives here too, so the build and ``pairgen validate`` share one reading:

- a label as data writes it (``(A)``, ``A)``, ``A.``, ``A``) is the bare label ``A``
  (:func:`bare_label`); the prompt then writes it once, ``(A)``;
- a choice text that carries its own label (``A)21``, ``(A) 21``, ``A. 21``) gives the
  label and the text, but only when every choice of the row carries one and the labels
  run ``A, B, C, ...`` (or ``a, b, c, ...``) in order (:func:`split_embedded_labels`): a
  lone ``A. Lincoln`` among unlabelled choices stays text;
- in a prompt, a choice is the exact line(s) ``(label) text``, found by the label and text
  the pair names (:func:`listed_span`), never by any line that starts with a parenthesis,
  so a question's own enumeration (``(I) ... (IV)``, ``1. ... 2.``) is never a choice.
  Neighbours of a question's choice block are read by label sequence
  (:func:`next_label`/:func:`previous_label`): a choice missing its pair shows as a gap
  or as the next label of the sequence right after the block.

They live with the sources because a source needs them to build its prompt; the
strategy imports them from here, never the other way round.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from pairgen.record import Example

CONTINUATION_META_KEY = "continuation"
# More choices than letters is not a multiple-choice question any source ships; the cap
# bounds the pairs (one per wrong choice) and prompt lines one row can make.
MAX_CHOICES = 26
TEMPLATE_META_KEY = "choice_template"
LETTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
SENTENCE_PREFIX = "The answer is "
_NO_SPACE_BEFORE = ",.;:!?')"
_SENTENCE_END = ".!?"


def format_choice_label(label: str) -> str:
    """A choice label as the prompt and the completions write it: ``(B)``."""
    return f"({label})"


def format_choice_line(label: str, text: str) -> str:
    """One line of the choice list in a prompt; the validator looks for exactly this."""
    return f"{format_choice_label(label)} {text}"


# a label written with its decoration: (A) / A) / A. -- one letter or a one- or two-digit number
_DECORATED_LABEL_RE = re.compile(r"\(([A-Za-z]|\d{1,2})\)|([A-Za-z]|\d{1,2})[.)]")
# a label at the start of a choice text: (A) / A) then optional spaces, or A. then a space
# (letters only: "1.5" is a number, not the label 1 and the text 5)
_EMBEDDED_LABEL_RE = re.compile(
    r"[ \t]*(?:\(([A-Za-z])\)|([A-Za-z])\))[ \t]*|[ \t]*([A-Za-z])\.[ \t]+"
)
# a line of a prompt that reads like a choice line: "(X) ..."
_LISTED_LINE_RE = re.compile(r"^\(([^()\s]+)\) ", re.MULTILINE)


def bare_label(label: str) -> str:
    """A label without the parenthesis or dot the data wrote around it: ``(A)``, ``A)``,
    ``A.`` -> ``A`` (letters and numbers up to 99); any other label stripped of spaces."""
    text = label.strip()
    match = _DECORATED_LABEL_RE.fullmatch(text)
    if match is None:
        return text
    return match.group(1) or match.group(2)


def labels_only(texts: Sequence[str], labels: Sequence[str]) -> bool:
    """Whether every choice text is only a label: each its own label, or together the
    letters ``A, B, ...`` / ``a, b, ...`` in order, decoration aside (``(A)``, ``A.``).

    MathQA's ``choices: ["A", "B", "C", "D"]`` keeps the option texts inside the
    question; pairs from it (``(D) D`` against ``(A) A``) teach nothing, so such a row is
    refused rather than paired.  A list of digits under letter labels (``(A) 1``) stays a
    choice list: a question may well ask for a count.
    """
    bare = [bare_label(text).casefold() for text in texts]
    return bare == [label.casefold() for label in labels] or bare == list(
        LETTERS.lower()[: len(bare)]
    )


def split_embedded_labels(texts: Sequence[str]) -> tuple[list[str], list[str]] | None:
    """``(labels, texts)`` when every text starts with its own label, the labels running
    ``A, B, ...`` (or ``a, b, ...``) in order; ``None`` otherwise (module doc)."""
    labels: list[str] = []
    bodies: list[str] = []
    for text in texts:
        match = _EMBEDDED_LABEL_RE.match(text)
        if match is None or not text[match.end() :].strip():
            return None
        labels.append(match.group(1) or match.group(2) or match.group(3))
        bodies.append(text[match.end() :])
    count = len(labels)
    if labels not in (list(LETTERS[:count]), list(LETTERS.lower()[:count])):
        return None
    return labels, bodies


def next_label(label: str) -> str | None:
    """The label after ``label`` in its sequence (``B`` -> ``C``, ``2`` -> ``3``), if any."""
    return _step(label, 1)


def previous_label(label: str) -> str | None:
    """The label before ``label`` in its sequence (``B`` -> ``A``, ``1`` -> ``0``), if any."""
    return _step(label, -1)


def _step(label: str, step: int) -> str | None:
    if label.isascii() and label.isdigit():
        number = int(label) + step
        return str(number) if number >= 0 else None
    for alphabet in (LETTERS, LETTERS.lower()):
        if len(label) == 1 and label in alphabet:
            index = alphabet.index(label) + step
            return alphabet[index] if 0 <= index < len(alphabet) else None
    return None


def listed_span(prompt: str, label: str, text: str) -> tuple[int, int] | None:
    """Where ``prompt`` lists ``text`` as choice ``label``: the start and end offsets of its
    last ``(label) text`` line(s), each end at a line break or the prompt's end; ``None``
    when it does not.  The last: the question being answered follows any exemplars."""
    line = format_choice_line(label, text)
    at = f"\n{prompt}\n".rfind(f"\n{line}\n")
    return None if at < 0 else (at, at + len(line))


def label_after(prompt: str, end: int) -> str | None:
    """The label of a choice line starting on the line after offset ``end``, if one does."""
    match = _LISTED_LINE_RE.match(prompt, end + 1) if prompt[end : end + 1] == "\n" else None
    return match.group(1) if match else None


def label_before(prompt: str, start: int) -> str | None:
    """The label of the nearest choice-like line above offset ``start``, if any."""
    found = None
    for match in _LISTED_LINE_RE.finditer(prompt, 0, start):
        found = match.group(1)
    return found


def continuation_separator(context: str, ending: str) -> str:
    """What goes between a context and its ending: a space, or nothing before punctuation."""
    if not context or context[-1].isspace() or not ending or ending[0].isspace():
        return ""
    return "" if ending[0] in _NO_SPACE_BEFORE else " "


def choice_completion(example: Example, index: int, template: str = "letter") -> str:
    """The completion that answers ``example`` with its choice number ``index``."""
    text = example.choices[index]
    if example.meta.get(CONTINUATION_META_KEY):
        return continuation_separator(example.question, text) + text
    labelled = format_choice_line(example.choice_labels[index], text)
    if template == "sentence":
        full_stop = "" if text.endswith(tuple(_SENTENCE_END)) else "."
        return f"{SENTENCE_PREFIX}{labelled}{full_stop}"
    return labelled


def answer_completion(example: Example) -> str:
    """The correct completion of a labelled example (few-shot exemplars use it).

    The template is the one :meth:`ChoiceStrategy.prepare` recorded in ``meta``, else
    ``"letter"``; an unlabelled example has no answer and gives ``""``.
    """
    if example.answer_index is None:
        return ""
    template = str(example.meta.get(TEMPLATE_META_KEY, "letter"))
    return choice_completion(example, example.answer_index, template)


__all__ = [
    "CONTINUATION_META_KEY",
    "LETTERS",
    "MAX_CHOICES",
    "SENTENCE_PREFIX",
    "TEMPLATE_META_KEY",
    "answer_completion",
    "bare_label",
    "choice_completion",
    "continuation_separator",
    "format_choice_label",
    "format_choice_line",
    "label_after",
    "label_before",
    "labels_only",
    "listed_span",
    "next_label",
    "previous_label",
    "split_embedded_labels",
]
