"""Property: whatever shape a user's multiple-choice rows take, a build is right or refused.

Generated datasets vary what real ones vary: 2 to 5 choices; plain texts (some of them
code, with newlines and indentation), texts that carry their own labels (``A)21``,
``(A) 21``, ``A. 21``) or a ``{text, label}`` struct with labels written ``A``, ``(A)``,
``A)``, ``A.`` or digits; answers as a letter, a 0- or 1-based index (int or digits as
text) or the choice's text; questions with their own enumerations (``(I) ... (II)``,
``1. ... 2.``).  The build's path is the real one (``GenericChoice.settle`` over the rows,
``read_row``, the choice strategy, the prompt) and the check is ``pairgen validate``'s
(``check_choice_pair``, ``check_choice_group``).  Asserted: a build either refuses with
one line naming the option that decides, exactly when the answers can be read two ways
that name different choices (decided here by a reading written independently of the
build's), or every pair validates and its chosen completion is the gold choice's text,
whitespace as given.
"""

from __future__ import annotations

import random
import string
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pairgen.config.source_settings import SourceSettings
from pairgen.errors import PairgenError, RowRejected
from pairgen.sources import get_source
from pairgen.sources.generic.choice import GenericChoice
from pairgen.strategies.choice.options import ChoiceOptions
from pairgen.strategies.choice.strategy import ChoiceStrategy, check_choice_group, check_choice_pair

from pairgen_rows import stored_row

LETTERS = string.ascii_uppercase
# plain texts cannot start with a label of their own (no ")" or "."), so the gold text is
# unambiguous; letters and digits let a text look like a label or an index
WORD = st.text(alphabet=string.ascii_letters + string.digits + " ,'-", min_size=1, max_size=12)
CODE = st.builds(lambda a, b: f"def f(x):\n    return {a}\n\n    # {b}", st.integers(0, 99), WORD)
TEXT = st.one_of(WORD, CODE).filter(lambda t: t.strip() != "")
QUESTION = st.sampled_from(
    [
        "Which is true?",
        "Which statements hold?\n(I) water is wet\n(II) fire is cold\n(III) ice is hot",
        "Steps:\n1. mix\n2. bake\nWhich step is first?",
        "Fill in: the _ is too large.",
    ]
)
LABEL_FORMS = ("plain", "embedded", "struct")
STRUCT_LABELS = ("{}", "({})", "{})", "{}.")
ANSWER_FORMS = ("label", "index0", "index1", "index0_int", "text")


def _norm(text: str) -> str:
    return " ".join(text.split())


@st.composite
def datasets(draw: st.DrawFn) -> dict[str, Any]:
    """Rows of one dataset (one label form and one answer form), with each row's gold."""
    label_form = draw(st.sampled_from(LABEL_FORMS))
    answer_form = draw(st.sampled_from(ANSWER_FORMS))
    struct_label = draw(st.sampled_from(STRUCT_LABELS))
    # digit labels answer by label (ARC's "1".."4"); an index among digit labels would be
    # a label by the documented rule, not the index the generator meant
    digits = answer_form == "label" and draw(st.booleans())
    embed = draw(st.sampled_from(["{})", "({}) ", "{}. ", "{}) "]))
    rows, golds, bare_texts = [], [], []
    for _ in range(draw(st.integers(1, 4))):
        count = draw(st.integers(2, 5))
        texts = draw(st.lists(TEXT, min_size=count, max_size=count, unique_by=_norm))
        gold = draw(st.integers(0, count - 1))
        bare = [
            str(i + 1) if digits and label_form == "struct" else LETTERS[i] for i in range(count)
        ]
        if label_form == "plain":
            choices: Any = list(texts)
        elif label_form == "embedded":
            choices = [embed.format(LETTERS[i]) + text for i, text in enumerate(texts)]
        else:
            choices = {"text": list(texts), "label": [struct_label.format(b) for b in bare]}
        if answer_form == "label":
            answer: Any = struct_label.format(bare[gold]) if label_form == "struct" else bare[gold]
        elif answer_form == "index0":
            answer = str(gold)
        elif answer_form == "index0_int":
            answer = gold
        elif answer_form == "index1":
            answer = str(gold + 1)
        else:
            answer = texts[gold]
        rows.append({"question": draw(QUESTION), "choices": choices, "answer": answer})
        golds.append((gold, texts[gold], bare))
        bare_texts.append(list(texts))  # the choices' texts without labels written into them
    return {"rows": rows, "golds": golds, "texts": bare_texts}


def independent_readings(answer: Any, texts: list[str], labels: list[str]) -> dict[str, int]:
    """The choices an answer can name, by the documented rules, written without pairgen."""
    found: dict[str, int] = {}
    key = str(answer).strip()
    for form in ("({})", "{})", "{}."):
        for label in labels:
            if key == form.format(label):
                key = label
    if key in labels:  # a label is never also read as an index; it may also be a text
        found["label"] = labels.index(key)
    elif key.isdigit():
        if int(key) < len(texts):
            found["index0"] = int(key)
        if 1 <= int(key) <= len(texts):
            found["index1"] = int(key) - 1
    if isinstance(answer, str):
        matches = [i for i, text in enumerate(texts) if _norm(text) == _norm(answer)]
        if len(matches) == 1:
            found["text"] = matches[0]
    return found


def ambiguous(data: dict[str, Any]) -> bool:
    """Whether two readings that fit every row name different choices on some row."""
    # a choice's text is what remains once a label written into it (``B)0``) is taken out:
    # an answer ``0`` then names choice B by its text and choice A by a 0-based index
    per_row = [
        independent_readings(row["answer"], [t.strip() for t in texts], bare)
        for row, (_, _, bare), texts in zip(data["rows"], data["golds"], data["texts"], strict=True)
    ]
    fitting = [k for k in ("label", "index0", "index1", "text") if all(k in r for r in per_row)]
    return any(
        any(r[a] != r[b] for r in per_row) for i, a in enumerate(fitting) for b in fitting[i + 1 :]
    )


def _texts(row: dict[str, Any]) -> list[str]:
    choices = row["choices"]
    return list(choices["text"]) if isinstance(choices, dict) else list(choices)


@settings(max_examples=300, deadline=None)
@given(data=datasets(), template=st.sampled_from(["letter", "sentence"]))
def test_every_build_validates_and_chooses_the_gold_choice(
    data: dict[str, Any], template: str
) -> None:
    source = get_source("choice")
    assert isinstance(source, GenericChoice)
    rows = [("train", i, row) for i, row in enumerate(data["rows"])]
    try:
        decided = source.settle(rows, None)
    except PairgenError as exc:
        assert ambiguous(data), f"refused unambiguous data: {exc}"
        assert "--answer-base" in str(exc) or "--answer-kind" in str(exc)
        assert "\n" not in str(exc)
        return
    assert not ambiguous(data) or decided is not None
    built = get_source("choice", decided) if decided else source
    strategy = ChoiceStrategy(ChoiceOptions(choice_template=template))
    for index, (row, (gold, gold_text, _)) in enumerate(
        zip(data["rows"], data["golds"], strict=True)
    ):
        try:
            example = built.read_row(row, config="default", split="train", row_index=index)
        except RowRejected as exc:  # a mixed column the survey left to each row
            assert decided is None and exc.reason in ("ambiguous_answer", "unknown_answer_key")
            continue
        assert example.answer_index == gold, (row, example)
        assert example.choices[gold] == gold_text.strip()
        drafts = strategy.make_pairs(example, random.Random(0))
        prompt = built.render_prompt(strategy.prepare(example))
        stored = [stored_row(draft, prompt, "choice") for draft in drafts]
        for pair in stored:
            assert check_choice_pair(pair) is None, (pair, check_choice_pair(pair))
            assert gold_text.strip() in pair["chosen"]
        assert check_choice_group(stored) is None, check_choice_group(stored)
        for missing in range(len(stored) if len(stored) > 1 else 0):  # a deleted pair shows
            rest = [p for i, p in enumerate(stored) if i != missing]
            rest = [{**p, "pair_index": i} for i, p in enumerate(rest)]
            assert check_choice_group(rest) is not None


@pytest.mark.parametrize("base", [0, 1])
def test_a_given_base_is_the_reading_whatever_the_data(base: int) -> None:
    rows = [("train", 0, {"question": "Q?", "choices": ["x", "y", "z"], "answer": "1"})]
    source = get_source("choice", SourceSettings(answer_base=base))
    assert isinstance(source, GenericChoice)
    decided = source.settle(rows, SourceSettings(answer_base=base))
    assert decided is not None and decided.answer_base == base
    example = get_source("choice", decided).read_row(
        rows[0][2], config="default", split="train", row_index=0
    )
    assert example.answer_index == 1 - base
