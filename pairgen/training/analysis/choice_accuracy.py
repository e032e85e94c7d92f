"""Multiple-choice accuracy of held-out questions, the way lm-evaluation-harness scores it.

Smaug's headline is downstream accuracy (ARC, HellaSwag, MMLU), not log-probs.  A choice
build gives one pair per wrong choice, all sharing the prompt and the chosen (right)
completion, so the held-out pairs of one question hold the log-likelihood of every choice
given the same prompt.  As in lm-evaluation-harness's multiple-choice tasks:

- ``acc``: the right choice has the highest log-likelihood (sum over its tokens);
- ``acc_norm``: the same after dividing each log-likelihood by the length of the
  choice's text: the harness's ``process_results`` divides by
  ``completion_len = len(choice)`` of the choice string, in characters (its docs speak
  of byte-length normalisation; for ASCII answers the two are the same).

The completion's closing EOS token is left out of the log-likelihood (the harness scores
the continuation only).  Questions with a single pair (a maths build) are not counted:
that is the reward accuracy of the main table.
"""

from __future__ import annotations

from typing import Any

from pairgen.training.loop.data import PairText, TokenizedPair, question_key
from pairgen.training.loop.forward import Reference
from pairgen.training.measurements import ChoiceAccuracy


def text_of(completion: Any) -> str:
    """A completion's text: the string, or the content of a message list."""
    if isinstance(completion, str):
        return completion
    return "".join(str(m.get("content", "")) for m in completion)


def choice_accuracy(
    scores: Reference, pairs: list[TokenizedPair], texts: dict[str, PairText]
) -> ChoiceAccuracy | None:
    """acc and acc_norm over the questions of ``pairs``; None if none has several choices."""
    questions: dict[str, list[int]] = {}
    for index, pair in enumerate(pairs):
        questions.setdefault(question_key(pair.id), []).append(index)
    right = right_norm = counted = 0
    for indices in questions.values():
        if len(indices) < 2 or any(pairs[i].id not in texts for i in indices):
            continue
        first = texts[pairs[indices[0]].id]
        # (log-likelihood, length in characters) of the right choice, then of each wrong one
        right_choice = (float(scores.chosen[indices[0]][:-1].sum()), nchars(first.chosen))
        wrong = [
            (float(scores.rejected[i][:-1].sum()), nchars(texts[pairs[i].id].rejected))
            for i in indices
        ]
        counted += 1
        right += all(right_choice[0] > ll for ll, _ in wrong)
        right_norm += all(right_choice[0] / right_choice[1] > ll / n for ll, n in wrong)
    if not counted:
        return None
    return ChoiceAccuracy(counted, right / counted, right_norm / counted)


def nchars(completion: Any) -> int:
    return max(1, len(text_of(completion)))


__all__ = ["choice_accuracy", "text_of"]
