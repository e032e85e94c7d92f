"""Multiple-choice accuracy of held-out questions, the way lm-evaluation-harness scores it.

Smaug's headline is downstream accuracy (ARC, HellaSwag, MMLU), not log-probs.  A choice
build gives one pair per wrong choice, all sharing the prompt and the chosen (right)
completion, so the held-out pairs of one question hold the log-likelihood of every choice
given the same prompt.  As in lm-evaluation-harness's multiple-choice tasks:

- ``acc``: the right choice has the highest log-likelihood (sum over its tokens);
- ``acc_norm``: the same after dividing each log-likelihood by the UTF-8 byte length of
  the choice's own text, its label and template left out
  (:mod:`pairgen.training.analysis.choice_text` says why and how).

A tie with the right choice counts as wrong.  The completion's closing EOS token is left
out of the log-likelihood (the harness scores the continuation only).  Questions with a
single pair (a maths build) are not counted: that is the reward accuracy of the main
table.  Each question's outcome is kept (:class:`QuestionOutcome`, ``choices.jsonl``) so
that two models can be compared question by question.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

from pairgen.sources.choices import format_choice_line
from pairgen.training.analysis.choice_text import byte_length, choice_text
from pairgen.training.loop.data import PairText, TokenizedPair, question_key
from pairgen.training.loop.forward import Reference
from pairgen.training.measurements import ChoiceAccuracy, QuestionOutcome


def text_of(completion: Any) -> str:
    """A completion's text: the string, or the content of a message list."""
    if isinstance(completion, str):
        return completion
    return "".join(str(m.get("content", "")) for m in completion)


def question_outcomes(
    scores: Reference,
    pairs: list[TokenizedPair],
    texts: dict[str, PairText],
    model: str = "",
    seed: int = 0,
) -> list[QuestionOutcome]:
    """Each question of ``pairs`` with several choices, as ``scores`` rank its choices."""
    questions: dict[str, list[int]] = {}
    for index, pair in enumerate(pairs):
        questions.setdefault(question_key(pair.id), []).append(index)
    out = []
    for key, indices in questions.items():
        if len(indices) < 2 or any(pairs[i].id not in texts for i in indices):
            continue
        first = texts[pairs[indices[0]].id]
        # the right choice, then each wrong one: (label, completion, log-likelihood)
        choices = [(first.chosen_value, first.chosen, float(scores.chosen[indices[0]][:-1].sum()))]
        for i in indices:
            wrong = texts[pairs[i].id]
            choices.append(
                (wrong.rejected_value, wrong.rejected, float(scores.rejected[i][:-1].sum()))
            )
        out.append(question_outcome(key, first, choices, model, seed))
    return out


def question_outcome(
    key: str,
    first: PairText,
    choices: Sequence[tuple[str | None, Any, float]],
    model: str,
    seed: int,
) -> QuestionOutcome:
    """One question's outcome; ``choices`` holds the right choice first.

    Its ``labels`` are in the order the prompt lists them where it lists every one
    (ARC, MMLU), in number order where every label is a number (HellaSwag's ending
    numbers), else the right choice first and the wrong ones in pair order.
    """
    prompt = text_of(first.prompt)
    texts = [choice_text(text_of(c), label, prompt) for label, c, _ in choices]
    labels = [label if label is not None else str(n) for n, (label, _, _) in enumerate(choices)]
    order = list(range(len(choices)))
    listed = [
        prompt.rfind(format_choice_line(lab, t)) for lab, t in zip(labels, texts, strict=True)
    ]
    if all(choices[n][0] is not None for n in order) and min(listed) >= 0:
        order.sort(key=lambda n: listed[n])
    elif all(lab.isdigit() for lab in labels):
        order.sort(key=lambda n: int(labels[n]))
    lls = [choices[n][2] for n in order]
    lengths = [byte_length(texts[n]) for n in order]
    answer = order.index(0)
    predicted = best(lls, answer)
    predicted_norm = best([ll / n for ll, n in zip(lls, lengths, strict=True)], answer)
    return QuestionOutcome(
        model=model,
        seed=seed,
        question=key,
        source_id=first.source_id or key.rsplit("/", 1)[-1],
        labels=[labels[n] for n in order],
        answer=answer,
        predicted=predicted,
        predicted_norm=predicted_norm,
        correct=predicted == answer,
        correct_norm=predicted_norm == answer,
        loglik=lls,
        bytes=lengths,
    )


def best(scores: list[float], answer: int) -> int:
    """The highest-scoring choice; a tie with ``answer`` goes to the other choice, and a
    NaN score (a half-precision overflow) ranks lowest: NaN compares false both ways, so
    ``max`` would keep whichever choice came first -- the answer, when it is listed first."""
    return max(
        range(len(scores)),
        key=lambda i: (-math.inf if math.isnan(scores[i]) else scores[i], i != answer),
    )


def accuracy(outcomes: list[QuestionOutcome]) -> ChoiceAccuracy | None:
    """acc and acc_norm over ``outcomes``; None if there is none."""
    if not outcomes:
        return None
    n = len(outcomes)
    right = sum(o.correct for o in outcomes)
    return ChoiceAccuracy(n, right / n, sum(o.correct_norm for o in outcomes) / n)


def choice_accuracy(
    scores: Reference, pairs: list[TokenizedPair], texts: dict[str, PairText]
) -> ChoiceAccuracy | None:
    """acc and acc_norm over the questions of ``pairs``; None if none has several choices."""
    return accuracy(question_outcomes(scores, pairs, texts))


__all__ = ["accuracy", "choice_accuracy", "question_outcome", "question_outcomes", "text_of"]
