"""A real tiny-model run on a real ARC build: acc_norm divides by the choice's own bytes,
each question's outcome is in choices.jsonl, report.json says which attention ran.

The questions are made so that the length acc_norm divides by decides the answer.  The
random tiny model gives every byte about the same log-prob (-log 259), so a choice's
log-likelihood is about that times its tokens: the ``(B) `` label plus its bytes.
Divided by the choice's own bytes, the longest choice wins by far; divided by the whole
completion's bytes (label included) every choice scores about the same and noise picks;
divided by characters, a choice of two-byte characters loses.  The right answer is
always the one the byte length of its text picks, so the reference's acc_norm is 1 with
the right definition and not with either wrong one; the test also recomputes every
log-likelihood with a plain transformers forward and checks the wrong definitions
disagree somewhere.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
import torch

from pairgen.cli import main
from pairgen.training.analysis.choice_text import ACC_NORM_BY, choice_text
from pairgen.training.analysis.outcomes import read_outcomes
from pairgen.training.config import TrainConfig
from pairgen.training.loop.data import read_pairs
from pairgen.training.loop.tiny import tiny_model
from pairgen.training.run import train

LABELS = ["A", "B", "C", "D"]
# (the right choice, three wrong ones): the right one is the longest in bytes
LONGEST = [
    ("the water cycle moves water from the sea to the sky", ["no", "it", "up"]),
    ("plants make their food from light in their leaves", ["air", "a", "sun"]),
    ("a magnet pulls iron but not wood or plastic", ["ice", "on", "x"]),
    ("the moon reflects the light of the sun at night", ["be", "go", "so"]),
    ("sound travels faster through water than through air", ["we", "ok", "z"]),
]
# two-byte characters: the right one has fewer characters but more bytes
ACCENTED = [
    ("éééééééé", ["abcdefghij", "klmnopqrst", "uvwxyzabcd"]),
    ("àààààààà", ["bcdefghijk", "lmnopqrstu", "vwxyzabcde"]),
    ("öööööööö", ["cdefghijkl", "mnopqrstuv", "wxyzabcdef"]),
    ("üüüüüüüü", ["defghijklm", "nopqrstuvw", "xyzabcdefg"]),
    ("ññññññññ", ["efghijklmn", "opqrstuvwx", "yzabcdefgh"]),
]


def arc_rows() -> list[dict[str, object]]:
    """Hub-schema ARC rows; the answer moves through the labels."""
    rows = []
    for n, (right, wrong) in enumerate(LONGEST + ACCENTED):
        texts = list(wrong)
        texts.insert(n % 4, right)
        rows.append(
            {
                "id": f"q{n:02d}",
                "question": f"Which answer is right for question {n}?",
                "choices": {"text": texts, "label": LABELS},
                "answerKey": LABELS[n % 4],
            }
        )
    return rows


@pytest.fixture(scope="module")
def arc_run(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """``pairgen build --source arc`` of the rows above, then a tiny run (no SFT warm-up:
    the reference is the random start model) holding out 9 of the 10 questions."""
    base = tmp_path_factory.mktemp("arc")
    rows = base / "arc.jsonl"
    rows.write_text("".join(json.dumps(r) + "\n" for r in arc_rows()), encoding="utf-8")
    out = base / "out"
    main(["build", "--source", "arc", "--data-files", f"test={rows}", "--out", str(out), "-q"])
    before = torch.get_num_threads()
    torch.set_num_threads(1)
    try:
        train(
            TrainConfig(
                out_dir=out,
                run_dir=base / "run",
                losses=["dpo", "dpop"],
                steps=1,
                batch_size=3,
                sft_steps=0,
                eval_fraction=0.9,
                eval_every=1,
                progress=False,
                device="cpu",
            )
        )
    finally:
        torch.set_num_threads(before)
    return base


def plain_logliks(prompt: str, completions: list[str]) -> list[float]:
    """Each completion's log-likelihood under the start model, by a plain transformers
    forward of prompt + completion (EOS not scored), independent of pairgen's packing."""
    model, tokenizer = tiny_model(0)
    model.eval()
    prompt_ids = tokenizer(prompt, add_special_tokens=True)["input_ids"]
    out = []
    for completion in completions:
        ids = tokenizer(completion, add_special_tokens=False)["input_ids"]
        with torch.no_grad():
            logits = model(torch.tensor([prompt_ids + ids])).logits[0].float()
        logp = logits.log_softmax(-1)[len(prompt_ids) - 1 : -1]
        out.append(float(logp.gather(1, torch.tensor(ids)[:, None]).sum()))
    return out


def argmax(values: list[float]) -> int:
    return max(range(len(values)), key=lambda i: values[i])


def test_acc_norm_divides_by_the_bytes_of_the_choice_text(arc_run: Path) -> None:
    outcomes = read_outcomes(arc_run / "run")
    reference = [o for o in outcomes if o.model == "reference"]
    assert len(reference) == 9 and {o.model for o in outcomes} == {"reference", "dpo", "dpop"}
    prompts = {p.id.rsplit("/", 1)[0]: p.prompt for p in read_pairs(arc_run / "out")}
    sources = {r["id"]: r for r in arc_rows()}
    disagree = {"whole completion": 0, "characters": 0}
    for o in reference:
        row = sources[o.source_id]
        texts: list[str] = row["choices"]["text"]  # type: ignore[index]
        assert o.labels == LABELS and o.answer == LABELS.index(str(row["answerKey"]))
        assert o.bytes == [len(t.encode()) for t in texts]
        completions = [f"({label}) {text}" for label, text in zip(LABELS, texts, strict=True)]
        lls = plain_logliks(prompts[o.question], completions)
        assert o.loglik == pytest.approx(lls, abs=1e-3)
        assert o.predicted_norm == argmax(
            [ll / len(t.encode()) for ll, t in zip(lls, texts, strict=True)]
        )
        assert o.predicted == argmax(lls) and o.correct == (o.predicted == o.answer)
        whole = argmax([ll / len(c.encode()) for ll, c in zip(lls, completions, strict=True)])
        chars = argmax([ll / len(t) for ll, t in zip(lls, texts, strict=True)])
        disagree["whole completion"] += whole != o.predicted_norm
        disagree["characters"] += chars != o.predicted_norm
    # the right definition gets every question right; each wrong one misses some
    assert all(o.correct_norm for o in reference) and not any(o.correct for o in reference)
    assert disagree["whole completion"] > 0 and disagree["characters"] > 0, disagree


def test_report_records_the_definition_and_the_paired_change(arc_run: Path) -> None:
    report = json.loads((arc_run / "run" / "report.json").read_text())
    outcomes = read_outcomes(arc_run / "run")
    for loss in ("dpo", "dpop"):
        choice = report["losses"][loss]["choice"]
        assert choice["acc_norm_by"] == ACC_NORM_BY and choice["outcomes"] == "choices.jsonl"
        assert choice["reference"] == {"questions": 9, "acc": 0.0, "acc_norm": 1.0}
        trained = [o for o in outcomes if o.model == loss]
        change = choice["acc_norm_change"]
        assert change["questions"] == 9
        assert change["worse"] == sum(not o.correct_norm for o in trained)  # reference: all right
        assert change["better"] == 0
        assert change["difference"] == pytest.approx(choice["trained"]["acc_norm"] - 1.0)
    assert "acc_norm change" in (arc_run / "run" / "report.md").read_text()


def test_report_records_the_attention_auto_resolved_to(arc_run: Path) -> None:
    report = json.loads((arc_run / "run" / "report.json").read_text())
    attention = report["attention"]
    assert (attention["asked"], attention["used"], attention["device"]) == ("auto", "sdpa", "cpu")
    assert "AUTO_FLEX_DEVICES" in attention["why"]
    assert list(report).index("attention") == list(report).index("prefix_sharing") + 1
    assert (
        "Attention: sdpa (--attention auto on cpu: " in (arc_run / "run" / "report.md").read_text()
    )


@pytest.mark.parametrize("template", ["letter", "sentence"])
def test_the_choice_text_of_every_arc_completion_is_the_listed_choice(
    tmp_path: Path, template: str
) -> None:
    """On the bundled ARC sample, both templates: the text acc_norm measures is exactly
    the choice the prompt lists under the completion's label."""
    out = tmp_path / template
    main(["build", "--source", "arc", "--choice-template", template, "--out", str(out), "-q"])
    pairs = read_pairs(out)
    assert pairs
    for pair in pairs:
        for label, completion in (
            (pair.chosen_value, pair.chosen),
            (pair.rejected_value, pair.rejected),
        ):
            assert label is not None
            text = choice_text(completion, label, pair.prompt)
            assert f"\n({label}) {text}\n" in pair.prompt, (completion, text)


def test_a_continuation_loses_only_its_separating_space(tmp_path: Path) -> None:
    out = tmp_path / "hellaswag"
    main(["build", "--source", "hellaswag", "--out", str(out), "-q"])
    pairs = read_pairs(out)
    assert pairs
    for pair in pairs:
        text = choice_text(pair.chosen, pair.chosen_value, pair.prompt)
        assert pair.chosen.endswith(text) and len(pair.chosen) - len(text) in (0, 1)
        assert not text.startswith(" ")


def test_the_sentence_template_full_stop_is_kept_when_the_choice_has_it() -> None:
    prompt = "Question: Q?\n(A) Paris.\n(B) Rome\nAnswer:\n"
    assert choice_text("The answer is (A) Paris.", "A", prompt) == "Paris."
    assert choice_text("The answer is (B) Rome.", "B", prompt) == "Rome"
    assert choice_text("(B) Rome", "B", prompt) == "Rome"
    assert choice_text("no label here", None, prompt) == "no label here"


def test_the_benchmark_compares_every_two_models_of_a_run(arc_run: Path) -> None:
    """``benchmarks/paired_choices.py RUN``: reference, DPO and DPOP, two by two."""
    script = Path(__file__).parents[2] / "benchmarks" / "paired_choices.py"
    env = {**os.environ, "PYTHONPATH": str(script.parents[1])}
    run = str(arc_run / "run")
    done = subprocess.run(
        [sys.executable, str(script), run, "--json"], capture_output=True, text=True, env=env
    )
    assert done.returncode == 0, done.stderr
    lines = [json.loads(line) for line in done.stdout.splitlines()]
    assert [(c["a"], c["b"]) for c in lines] == [
        (f"{run}:reference", f"{run}:dpo"),
        (f"{run}:reference", f"{run}:dpop"),
        (f"{run}:dpo", f"{run}:dpop"),
    ]
    report = json.loads((arc_run / "run" / "report.json").read_text())
    assert lines[0]["acc_norm"] == report["losses"]["dpo"]["choice"]["acc_norm_change"]
    two = subprocess.run(
        [sys.executable, str(script), f"{run}:dpop", f"{run}:nope"],
        capture_output=True, text=True, env=env,
    )  # fmt: skip
    assert two.returncode == 2 and two.stderr.startswith("error: no outcomes of model 'nope'")
