"""How a multiple-choice example is written as text: choice lines and answer completions.

Sources write the choice list into their prompts and few-shot exemplars with these
helpers, and the choice strategy writes its completions with them, so the prompt, the
completions and the validator agree on one spelling (``(B) photosynthesis``).  They live
with the sources because a source needs them to build its prompt; the strategy imports
them from here, never the other way round.
"""

from __future__ import annotations

from pairgen.record import Example

CONTINUATION_META_KEY = "continuation"
# More choices than letters is not a multiple-choice question any source ships; the cap
# bounds the pairs (one per wrong choice) and prompt lines one row can make.
MAX_CHOICES = 26
TEMPLATE_META_KEY = "choice_template"
SENTENCE_PREFIX = "The answer is "
_NO_SPACE_BEFORE = ",.;:!?')"
_SENTENCE_END = ".!?"


def format_choice_label(label: str) -> str:
    """A choice label as the prompt and the completions write it: ``(B)``."""
    return f"({label})"


def format_choice_line(label: str, text: str) -> str:
    """One line of the choice list in a prompt; the validator looks for exactly this."""
    return f"{format_choice_label(label)} {text}"


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
    "MAX_CHOICES",
    "SENTENCE_PREFIX",
    "TEMPLATE_META_KEY",
    "answer_completion",
    "choice_completion",
    "continuation_separator",
    "format_choice_label",
    "format_choice_line",
]
