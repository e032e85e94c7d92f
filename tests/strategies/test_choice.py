"""The choice strategy: one pair per wrong choice, templates, and the stored-row checks."""

from __future__ import annotations

import dataclasses
import random
import string
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pairgen.errors import PairgenError, RowRejected
from pairgen.record import Example
from pairgen.sources.arc import ARC
from pairgen.sources.choices import (
    CONTINUATION_META_KEY,
    choice_completion,
    continuation_separator,
)
from pairgen.sources.hellaswag import HellaSwag
from pairgen.sources.markup import raw_text_meta
from pairgen.strategies import StrategyOptions, build_strategy
from pairgen.strategies.choice.options import ChoiceOptions
from pairgen.strategies.choice.strategy import ChoiceStrategy, check_choice_group, check_choice_pair

from pairgen_rows import edit_start, stored_row

TEMPLATES = ("letter", "sentence")
words = st.text(alphabet=string.ascii_letters + string.digits + " .,'-?!", min_size=1, max_size=30)
choice_text = words.map(lambda s: " ".join(s.split())).filter(bool)
label_sets = st.sampled_from([tuple("ABCDE"), tuple("12345"), tuple("abcde")])


@st.composite
def labelled_examples(draw: st.DrawFn, continuation: bool = False) -> Example:
    """A valid multiple-choice example with distinct choice texts."""
    count = draw(st.integers(min_value=2, max_value=5))
    texts = draw(st.lists(choice_text, min_size=count, max_size=count, unique=True))
    labels = draw(label_sets)[:count]
    return Example(
        source="hellaswag" if continuation else "arc",
        config="default" if continuation else "ARC-Challenge",
        split="train",
        source_id=draw(st.text(alphabet=string.ascii_letters, min_size=1, max_size=8)),
        question=draw(choice_text),
        choices=tuple(texts),
        choice_labels=labels if not continuation else tuple(str(i) for i in range(count)),
        answer_index=draw(st.integers(min_value=0, max_value=count - 1)),
        context="Activity" if continuation else "",
        meta={CONTINUATION_META_KEY: True} if continuation else {},
    )


def stored_rows(example: Example, drafts: list[Example]) -> list[dict[str, Any]]:
    """The pair rows as the build stores them (the columns the checks read)."""
    source = HellaSwag() if example.meta.get(CONTINUATION_META_KEY) else ARC()
    prompt = source.render_prompt(example)
    return [stored_row(d, prompt, source.name) for d in drafts]


def strategy(template: str = "letter", clean_markup: bool = True) -> ChoiceStrategy:
    return ChoiceStrategy(ChoiceOptions(choice_template=template, clean_markup=clean_markup))


@settings(max_examples=150, deadline=None)
@given(
    example=st.one_of(labelled_examples(), labelled_examples(continuation=True)),
    template=st.sampled_from(TEMPLATES),
)
def test_one_pair_per_wrong_choice_with_the_labelled_answer_chosen(
    example: Example, template: str
) -> None:
    drafts = strategy(template).make_pairs(example, random.Random(0))
    answer = example.answer_index
    assert answer is not None
    wrong = [i for i in range(len(example.choices)) if i != answer]
    assert len(drafts) == len(example.choices) - 1
    assert [d.pair_index for d in drafts] == list(range(len(wrong)))
    assert [d.rejected_value for d in drafts] == [example.choice_labels[i] for i in wrong]
    expected_chosen = choice_completion(example, answer, template)
    for draft, index in zip(drafts, wrong, strict=True):
        assert draft.strategy == "choice"
        assert draft.chosen == expected_chosen
        assert draft.chosen_value == example.choice_labels[answer]
        assert draft.rejected == choice_completion(example, index, template)
        assert draft.rejected != draft.chosen
        assert example.choices[answer] in draft.chosen
        assert example.choices[index] in draft.rejected
        edit = edit_start(draft)
        assert draft.chosen[:edit] == draft.rejected[:edit]
        shorter = min(len(draft.chosen), len(draft.rejected))
        assert edit <= shorter  # == when one ending extends the other ("0" / "00")
        assert edit == shorter or draft.chosen[edit] != draft.rejected[edit]


@settings(max_examples=100, deadline=None)
@given(
    example=st.one_of(labelled_examples(), labelled_examples(continuation=True)),
    template=st.sampled_from(TEMPLATES),
)
def test_every_pair_made_passes_the_stored_row_checks(example: Example, template: str) -> None:
    rows = stored_rows(example, strategy(template).make_pairs(example, random.Random(0)))
    assert [check_choice_pair(row) for row in rows] == [None] * len(rows)
    assert check_choice_group(rows) is None


@settings(max_examples=50, deadline=None)
@given(example=labelled_examples(), seeds=st.lists(st.integers(), min_size=2, max_size=2))
def test_pairs_do_not_depend_on_the_rng(example: Example, seeds: list[int]) -> None:
    made = [strategy().make_pairs(example, random.Random(seed)) for seed in seeds]
    assert made[0] == made[1]


def test_letter_and_sentence_templates() -> None:
    example = Example(
        source="arc",
        config="ARC-Easy",
        split="train",
        source_id="q1",
        question="What do plants make food with?",
        choices=("respiration", "photosynthesis", "It is digestion."),
        choice_labels=("A", "B", "C"),
        answer_index=1,
    )
    letter = strategy("letter").make_pairs(example, random.Random(0))
    assert [(d.chosen, d.rejected, edit_start(d)) for d in letter] == [
        ("(B) photosynthesis", "(A) respiration", 1),
        ("(B) photosynthesis", "(C) It is digestion.", 1),
    ]
    sentence = strategy("sentence").make_pairs(example, random.Random(0))
    assert [(d.chosen, d.rejected, edit_start(d)) for d in sentence] == [
        ("The answer is (B) photosynthesis.", "The answer is (A) respiration.", 15),
        ("The answer is (B) photosynthesis.", "The answer is (C) It is digestion.", 15),
    ]
    assert [(d.chosen_value, d.rejected_value) for d in sentence] == [("B", "A"), ("B", "C")]


@pytest.mark.parametrize(
    ("context", "ending", "separator"),
    [
        ("the man", "walks away.", " "),
        ("then", ", he starts strumming.", ""),
        ("the girl", "'s hair is braided.", ""),
        ("ends with space ", "next", ""),
        ("", "start", ""),
    ],
)
def test_continuation_separator(context: str, ending: str, separator: str) -> None:
    assert continuation_separator(context, ending) == separator


def test_unlabeled_and_broken_examples_are_rejected() -> None:
    base = Example(
        source="arc",
        config="ARC-Easy",
        split="test",
        source_id="q",
        question="Q?",
        choices=("a", "b"),
        choice_labels=("A", "B"),
        answer_index=None,
    )
    cases = {
        "unlabeled": base,
        "too_few_choices": dataclasses.replace(
            base, choices=("a",), choice_labels=("A",), answer_index=0
        ),
        "malformed_choices": dataclasses.replace(base, choice_labels=("A",), answer_index=0),
        "duplicate_label": dataclasses.replace(base, choice_labels=("A", "A"), answer_index=0),
        "unknown_answer_key": dataclasses.replace(base, answer_index=5),
    }
    for reason, example in cases.items():
        with pytest.raises(RowRejected) as info:
            strategy().make_pairs(example, random.Random(0))
        assert info.value.reason == reason


def test_a_wrong_ending_identical_to_the_answer_rejects_the_row() -> None:
    example = Example(
        source="hellaswag",
        config="default",
        split="train",
        source_id="1",
        question="A man sits. he",
        choices=("waves.", "waves.", "jumps."),
        choice_labels=("0", "1", "2"),
        answer_index=0,
        meta={CONTINUATION_META_KEY: True},
    )
    with pytest.raises(RowRejected) as info:
        strategy().make_pairs(example, random.Random(0))
    assert info.value.reason == "duplicate_choice"


def test_unknown_template_is_a_user_error() -> None:
    with pytest.raises(PairgenError, match="unknown choice template 'essay'"):
        ChoiceStrategy(ChoiceOptions(choice_template="essay"))


def test_registry_builds_the_choice_strategy() -> None:
    assert isinstance(build_strategy("choice", StrategyOptions()), ChoiceStrategy)


def test_prepare_restores_raw_markup_only_when_asked() -> None:
    example = Example(
        source="hellaswag",
        config="default",
        split="train",
        source_id="7",
        question="How to boil water. Fill a pot.",
        choices=("Put it on the stove.", "Paint it."),
        choice_labels=("0", "1"),
        answer_index=0,
        meta={
            CONTINUATION_META_KEY: True,
            **raw_text_meta(
                "[header] How to boil water [title] Fill a pot.",
                ["[step] Put it on the stove.", "[step] Paint it."],
            ),
        },
    )
    assert strategy(clean_markup=True).prepare(example).question == example.question
    raw = strategy(clean_markup=False).prepare(example)
    assert raw.question.startswith("[header]")
    assert raw.choices == ("[step] Put it on the stove.", "[step] Paint it.")
    assert strategy(clean_markup=False).prepare(raw) == raw
    drafts = strategy(clean_markup=False).make_pairs(example, random.Random(0))
    assert drafts[0].chosen == " [step] Put it on the stove."


def test_prepare_records_the_template_for_few_shot_answers() -> None:
    source = ARC()
    row = {
        "id": "x",
        "question": "Q?",
        "choices": {"text": ["yes", "no"], "label": ["A", "B"]},
        "answerKey": "A",
    }
    example = source.to_example(row, config="ARC-Easy", split="train", row_index=0)
    assert source.render_answer(example) == "(A) yes"
    assert source.render_answer(strategy("sentence").prepare(example)) == "The answer is (A) yes."


def _valid_rows() -> list[dict[str, Any]]:
    example = Example(
        source="arc",
        config="ARC-Easy",
        split="train",
        source_id="q",
        question="Which is a mammal?",
        choices=("shark", "whale", "frog"),
        choice_labels=("A", "B", "C"),
        answer_index=1,
    )
    return stored_rows(example, strategy().make_pairs(example, random.Random(0)))


@pytest.mark.parametrize(
    ("change", "problem"),
    [
        ({"strategy": "arithmetic"}, "not 'choice'"),
        ({"rejected": "(B) whale"}, "same text"),
        ({"rejected_value": "B"}, "are both 'B'"),
        ({"edit_start": 0}, "edit_start is 0"),
        ({"pair_index": -1}, "negative"),
        ({"chosen": "(B) shark"}, "chosen is not the text"),
        ({"rejected": "(A) frog", "edit_start": 1}, "rejected is not the text"),
        ({"rejected": "(C) frog", "edit_start": 1}, "rejected does not start with the label (A)"),
        ({"chosen": None}, "strings or message lists"),
    ],
)
def test_check_choice_pair_finds_what_is_wrong(change: dict[str, Any], problem: str) -> None:
    row = {**_valid_rows()[0], **change}
    message = check_choice_pair(row)
    assert message is not None and problem in message


def test_check_choice_pair_reads_conversational_rows() -> None:
    row = _valid_rows()[0]
    row = {
        **row,
        "prompt": [{"role": "user", "content": row["prompt"]}],
        "chosen": [{"role": "assistant", "content": row["chosen"]}],
        "rejected": [{"role": "assistant", "content": row["rejected"]}],
    }
    assert check_choice_pair(row) is None


def test_check_choice_group_finds_gaps_and_repeats() -> None:
    rows = _valid_rows()
    assert check_choice_group(rows) is None
    assert "pair_index" in (check_choice_group([rows[0], {**rows[1], "pair_index": 5}]) or "")
    assert "rejected twice" in (check_choice_group([rows[0], {**rows[0], "pair_index": 1}]) or "")
    assert "disagree on chosen" in (check_choice_group([rows[0], {**rows[1], "chosen": "x"}]) or "")
    assert check_choice_group([]) is None
    assert "lists choice (C), which no pair names" in (check_choice_group(rows[:1]) or "")
    first_missing = [{**rows[1], "pair_index": 0}]
    assert "lists choice (A), which no pair names" in (check_choice_group(first_missing) or "")
