"""acc and acc_norm of held-out questions, as lm-evaluation-harness defines them."""

from __future__ import annotations

import torch

from pairgen.training.analysis.choice_accuracy import choice_accuracy
from pairgen.training.loop.data import PairText, TokenizedPair
from pairgen.training.loop.forward import Reference
from pairgen.training.measurements import ChoiceAccuracy

EOS_LOGP = -100.0  # the closing EOS is not part of the choice: it must not count


def question(
    qid: str, right: tuple[str, float], wrong: list[tuple[str, float]]
) -> tuple[list[TokenizedPair], list[PairText], Reference]:
    """One pair per wrong choice; log-likelihoods spread over two tokens, then EOS."""
    pairs, texts, ref = [], [], Reference([], [], [])
    for i, (text, ll) in enumerate(wrong):
        pid = f"{qid}/{i}"
        pairs.append(TokenizedPair(pid, [1], [5, 6, 0], [7, 8, 0], 0))
        texts.append(PairText(pid, "Q", right[0], text))
        ref.chosen.append(torch.tensor([right[1] / 2, right[1] / 2, EOS_LOGP]))
        ref.rejected.append(torch.tensor([ll / 2, ll / 2, 0.0]))
        ref.first_diff.append(0)
    return pairs, texts, ref


def harness(lls: list[float], choices: list[str], gold: int) -> tuple[float, float]:
    """lm-evaluation-harness's process_results for a multiple-choice document."""
    pred = max(range(len(lls)), key=lambda i: lls[i])
    pred_norm = max(range(len(lls)), key=lambda i: lls[i] / len(choices[i]))
    return float(pred == gold), float(pred_norm == gold)


def test_acc_and_acc_norm_match_the_harness() -> None:
    docs = [
        (("a long right answer", -6.0), [("no", -4.0), ("maybe not", -9.0)]),  # acc 0, norm 1
        (("yes", -1.0), [("no", -2.0), ("never", -3.0)]),  # both right
        (("x", -3.0), [("yy", -1.0), ("zz", -2.0)]),  # both wrong
    ]
    pairs, texts, ref = [], [], Reference([], [], [])
    expected = []
    for n, (right, wrong) in enumerate(docs):
        p, t, r = question(f"q{n}", right, wrong)
        pairs += p
        texts += t
        ref.chosen.extend(r.chosen)
        ref.rejected.extend(r.rejected)
        ref.first_diff.extend(r.first_diff)
        lls = [right[1], *(ll for _, ll in wrong)]
        expected.append(harness(lls, [right[0], *(c for c, _ in wrong)], 0))
    out = choice_accuracy(ref, pairs, {t.id: t for t in texts})
    assert out == ChoiceAccuracy(
        questions=3,
        acc=sum(e[0] for e in expected) / 3,
        acc_norm=sum(e[1] for e in expected) / 3,
    )
    assert out.acc == 1 / 3 and out.acc_norm == 2 / 3


def test_single_pair_questions_are_not_multiple_choice() -> None:
    pairs, texts, ref = question("gsm/1", ("right", -1.0), [("wrong", -2.0)])
    assert choice_accuracy(ref, pairs, {t.id: t for t in texts}) is None
