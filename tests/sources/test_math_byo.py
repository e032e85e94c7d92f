"""``--source math`` on the shapes users bring (issue 19): AQuA-RAT rationales with option
letters, GSM-Hard programs, SVAMP equations, GSM8K solutions with calculator annotations.
Handwritten rows in each dataset's own schema, built by the real command line."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pyarrow.parquet as pq

from pairgen.validate.run import validate_output

from pairgen_rows import write_jsonl

AQUA = [
    {
        "question": "A watch was bought for Rs.6000 and sold at a profit of 15%. What was the selling price?",
        "options": ["A)6600", "B)6900", "C)7200", "D)6750", "E)7000"],
        "rationale": "Profit = 15% of 6000 = 900\nSelling price = 6000 + 900 = 6900\nAnswer: B",
        "correct": "B",
    },
    {
        "question": "A train 240 m long passes a pole in 24 seconds. How long will it take to pass a platform 650 m long?",
        "options": ["A)65 sec", "B)89 sec", "C)100 sec", "D)150 sec", "E)None of these"],
        "rationale": "Speed = 240/24 = 10 m/s\nRequired time = (240 + 650)/10 = 89 sec\nANSWER:B",
        "correct": "B",
    },
    {
        "question": "The average of five numbers is 20. If one number is excluded, the average becomes 18. What is the excluded number?",
        "options": ["A)28", "B)25", "C)30", "D)32", "E)26"],
        "rationale": "Sum of five numbers = 5 * 20 = 100\nSum of four numbers = 4 * 18 = 72\nExcluded number = 100 - 72 = 28\nCorrect answer - A",
        "correct": "A",
    },
    {
        "question": "If 12 men can build a wall in 10 days, how many days will 8 men take?",
        "options": ["A)12", "B)15", "C)18", "D)20", "E)16"],
        "rationale": "Work = 12 * 10 = 120 man-days\nDays = 120/8 = 15\nThe answer is (B)",
        "correct": "B",
    },
]
GSM_HARD = [
    {
        "input": "Janet's ducks lay 16 eggs per day. She eats 3 and sells the rest for $2 each. How much does she make?",
        "code": 'def solution():\n    """Janet\'s ducks lay 16 eggs per day."""\n    eggs = 16\n    sold = eggs - 3\n    result = sold * 2\n    return result\n',
        "target": 26.0,
    }
] * 3
SVAMP = [
    {
        "id": f"chal-{i}",
        "question": f"Each pack costs {70 + i} dollars. With a discount of 25 dollars, how much is a pack?",
        "equation": f"( {70 + i}.0 - 25.0 )",
        "answer": 45.0 + i,
    }
    for i in range(4)
]
GSM8K = [
    {
        "question": "Natalia sold clips to 48 of her friends in April, and then she sold half as many clips in May. How many clips did Natalia sell altogether in April and May?",
        "answer": "Natalia sold 48/2 = <<48/2=24>>24 clips in May.\nNatalia sold 48+24 = <<48+24=72>>72 clips altogether in April and May.\n#### 72",
    },
    {
        "question": "Weng earns $12 an hour for babysitting. Yesterday, she just did 50 minutes of babysitting. How much did she earn?",
        "answer": "Weng earns 12/60 = $<<12/60=0.2>>0.2 per minute.\nWorking 50 minutes, she earned 0.2 x 50 = $<<0.2*50=10>>10.\n#### 10",
    },
    {
        "question": "A robe takes 2 bolts of blue fiber and half that much white fiber. How many bolts in total does it take?",
        "answer": "It takes 2/2=<<2/2=1>>1 bolt of white fiber\nSo the total amount of fabric is 2+1=<<2+1=3>>3 bolts of fabric\n#### 3",
    },
]


def build(
    tmp_path: Path, rows: list[dict[str, object]], *args: str
) -> tuple[subprocess.CompletedProcess[str], Path]:
    tmp_path.mkdir(parents=True, exist_ok=True)
    data = write_jsonl(tmp_path / "rows.jsonl", rows)
    out = tmp_path / "out"
    result = subprocess.run(
        [sys.executable, "-m", "pairgen", "build", "--source", "math",
         "--data-files", f"test={data}", *args, "--out", str(out)],
        capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    return result, out


def pairs(out: Path) -> list[dict[str, object]]:
    return [
        r for p in sorted((out / "data").glob("*/*.parquet")) for r in pq.read_table(p).to_pylist()
    ]


def rejects(out: Path) -> list[dict[str, object]]:
    return [
        r
        for p in sorted((out / "rejects").glob("*/*.parquet"))
        for r in pq.read_table(p).to_pylist()
    ]


def test_aqua_with_its_options_never_edits_the_answer_or_a_given_number(tmp_path: Path) -> None:
    result, out = build(
        tmp_path, AQUA, "--column", "prompt=question", "--column", "solution=rationale",
        "--column", "answer=correct", "--column", "choices=options",
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    made = pairs(out)
    assert made and validate_output(out).ok
    answers = {"6900", "89", "28", "15"}
    for pair in made:
        chosen = str(pair["chosen"])
        assert "The answer is:" not in chosen  # the rationale's own answer line is kept
        assert pair["chosen_value"] not in answers
        assert pair["chosen_value"] not in {
            "6000",
            "15",
            "240",
            "24",
            "650",
            "20",
            "18",
            "12",
            "10",
            "8",
        }
        marker = re.search(r"(?i)answer", chosen)
        assert marker is not None and int(str(pair["edit_start"])) < marker.start()


def refused_then_kept(
    tmp_path: Path, rows: list[dict[str, object]], reason: str, *args: str
) -> Path:
    """The build refuses the split (one error line naming the reason and the fix); with
    ``--allow-rejects`` it keeps it, and the output folder is returned for its rejects."""
    refused, _ = build(tmp_path / "refused", rows, *args)
    lines = refused.stderr.strip().splitlines()
    assert refused.returncode == 2 and len(lines) == 1, refused.stderr
    assert lines[0].startswith("error: ") and f"rejected as {reason}" in lines[0]
    kept, out = build(tmp_path / "kept", rows, *args, "--allow-rejects")
    assert kept.returncode == 0, kept.stderr
    return out


def test_aqua_without_its_options_is_refused_row_by_row(tmp_path: Path) -> None:
    out = refused_then_kept(
        tmp_path, AQUA, "option_letter_answer", "--column", "prompt=question", "--column", "solution=rationale",
        "--column", "answer=correct",
    )  # fmt: skip
    refused = rejects(out)
    assert [r["reason"] for r in refused] == ["option_letter_answer"] * len(AQUA)
    assert "column 'correct' is the option letter 'B'" in str(refused[0]["detail"])
    assert "--column choices=COLUMN" in str(refused[0]["detail"])


def test_gsm_hard_programs_are_not_worked_solutions(tmp_path: Path) -> None:
    out = refused_then_kept(
        tmp_path, GSM_HARD, "not_a_worked_solution", "--column", "prompt=input", "--column", "solution=code",
        "--column", "answer=target",
    )  # fmt: skip
    refused = rejects(out)
    assert [r["reason"] for r in refused] == ["not_a_worked_solution"] * len(GSM_HARD)
    assert str(refused[0]["detail"]).startswith(
        "column 'code' holds a Python program ('def solution():')"
    )


def test_svamp_equations_are_not_worked_solutions(tmp_path: Path) -> None:
    out = refused_then_kept(
        tmp_path, SVAMP, "not_a_worked_solution", "--column", "prompt=question", "--column", "solution=equation",
        "--column", "answer=answer", "--column", "id=id",
    )  # fmt: skip
    refused = rejects(out)
    assert [r["reason"] for r in refused] == ["not_a_worked_solution"] * len(SVAMP)
    assert "column 'equation' holds only an expression, no worked steps ('( 70.0 - 25.0 )')" in str(
        refused[0]["detail"]
    )


def test_gsm8k_annotations_change_with_their_visible_number(tmp_path: Path) -> None:
    result, out = build(
        tmp_path, GSM8K, "--column", "prompt=question", "--column", "solution=answer"
    )
    assert result.returncode == 0, result.stderr
    made = pairs(out)
    assert len(made) == len(GSM8K) and validate_output(out).ok
    for pair in made:
        hide = re.compile(r"<<[^<>]*>>")
        visible_chosen, visible_rejected = (
            hide.sub("", str(pair["chosen"])),
            hide.sub("", str(pair["rejected"])),
        )
        assert visible_chosen != visible_rejected  # never the hidden annotation alone
        new = str(pair["rejected_value"])
        assert f"={new}>>{new}" in str(pair["rejected"])


def test_gsm8k_strip_annotations_is_honoured(tmp_path: Path) -> None:
    result, out = build(
        tmp_path, GSM8K, "--column", "prompt=question", "--column", "solution=answer",
        "--strip-annotations",
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    made = pairs(out)
    assert made and validate_output(out).ok
    assert all("<<" not in str(p["chosen"]) + str(p["rejected"]) for p in made)
    assert json.loads((out / "manifest.json").read_text(encoding="utf-8"))


def test_what_is_not_a_worked_solution() -> None:
    from pairgen.sources.worked_solution import not_worked

    assert not_worked("```python\nprint(26)\n```") == "a Python program ('```python')"
    assert not_worked("x = 5 + 3") == "only an expression, no worked steps ('x = 5 + 3')"
    assert not_worked("#### 72") is not None
    for worked in (
        GSM8K[0]["answer"],
        AQUA[0]["rationale"],
        "$54 = 9 \\cdot 6 + 0 \\Rightarrow 54 \\equiv \\boxed{0} \\pmod{6}$.",
        "[asy]\nimport graph;\nreturn abs(x);\n[/asy]\nThe graph meets the axis at $x = 2$, so $\\boxed{2}$.",
    ):
        assert not_worked(str(worked)) is None


def test_an_annotation_edited_alone_fails_the_check() -> None:
    from pairgen.strategies.math.check import check_math_pair

    chosen = str(GSM8K[0]["answer"])
    question = "Question: " + str(GSM8K[0]["question"]) + "\nAnswer:\n"
    row = {"prompt": question, "shots": 0, "edit_kind": "result"}  # the kind every build writes
    alone = chosen.replace("<<48/2=24>>", "<<48/2=27>>")
    assert (
        check_math_pair({**row, "chosen": chosen, "rejected": alone}) == "annotation_inconsistent"
    )
    visible_only = chosen.replace(">>24 clips", ">>27 clips")
    assert (
        check_math_pair({**row, "chosen": chosen, "rejected": visible_only})
        == "annotation_inconsistent"
    )
    both = chosen.replace("<<48/2=24>>24", "<<48/2=27>>27")
    ok = {**row, "chosen": chosen, "rejected": both, "chosen_value": "24", "rejected_value": "27"}
    assert check_math_pair({**ok, "edit_start": chosen.index("24>>") + 1}) is None
