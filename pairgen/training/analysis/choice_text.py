"""The part of a choice completion that acc_norm measures: the choice's own text.

lm-evaluation-harness scores a continuation ``" " + choice`` (the target delimiter, then
the choice) and divides its log-likelihood by the length of ``choice`` alone: the
delimiter is scored but not counted (``ConfigurableTask.process_results``:
``completion_len = len(choice)`` in characters for ``acc_norm``,
``len(choice.encode("utf-8"))`` for ``acc_bytes``).  pairgen's choice completions wrap
the choice the same way, in the form the prompt lists it (``pairgen.sources.choices``):

- ``letter`` template: ``(B) photosynthesis``;
- ``sentence`` template: ``The answer is (B) photosynthesis.`` (the full stop added
  unless the text ends with ``.``, ``!`` or ``?``);
- a continuation (HellaSwag): `` then he rinses the cup`` (one separating space unless
  the ending starts with punctuation).

The wrapper is part of what the model scores for every choice: the prompt lists each
choice under its label, so ``(B)`` is how the model names its answer, and the pair it
trains on is the whole completion.  It is not part of the length: dividing by the
whole completion adds the same few bytes (``(B) ``: 4) to every choice's length, and a
constant added to the denominators is not constant in the ratio - it pulls every
choice towards the plain per-byte mean and most of all the short ones (a 1-byte choice
divided by 5 instead of 1), so the ranking then depends on the template, not on the
choices.  So: ``acc_norm`` = log-likelihood of the whole completion (EOS left out) /
UTF-8 bytes of the choice's own text.  Bytes, not characters: the harness's own
``acc_bytes``, the same as its ``acc_norm`` for ASCII text (nearly all of ARC), and
independent of how a script packs characters into bytes.
"""

from __future__ import annotations

from pairgen.sources.choices import SENTENCE_PREFIX, format_choice_label, listed_span

# What report.json records as the definition (``ChoiceEffect.acc_norm_by``).
ACC_NORM_BY = (
    "log-likelihood of the whole completion (label included, EOS excluded) divided by the "
    "UTF-8 byte length of the choice's own text: the completion less its '(label) ' prefix, "
    "the sentence template's 'The answer is ' and added full stop, or a continuation's "
    "separating space"
)


def choice_text(completion: str, label: str | None, prompt: str) -> str:
    """The choice's own text in ``completion`` (a choice labelled ``label``, answering
    ``prompt``): the completion less the wrapper the build put around it."""
    if label is not None:
        tag = format_choice_label(label) + " "
        if completion.startswith(tag):
            return completion[len(tag) :]
        if completion.startswith(SENTENCE_PREFIX + tag):
            return sentence_body(completion[len(SENTENCE_PREFIX + tag) :], label, prompt)
    if completion.startswith(" ") and prompt and not prompt[-1].isspace():
        return completion[1:]  # a continuation's separating space
    return completion


def sentence_body(body: str, label: str, prompt: str) -> str:
    """The choice text of a sentence-template body ``text.`` : the full stop is the
    template's unless the prompt lists the choice with it (``(B) Paris.``)."""
    added = body.endswith(".") and listed_span(prompt, label, body) is None
    if added and listed_span(prompt, label, body[:-1]) is not None:
        return body[:-1]
    return body


def byte_length(text: str) -> int:
    """What acc_norm divides by: UTF-8 bytes, at least 1 (an empty choice)."""
    return max(1, len(text.encode("utf-8")))


__all__ = ["ACC_NORM_BY", "byte_length", "choice_text", "sentence_body"]
