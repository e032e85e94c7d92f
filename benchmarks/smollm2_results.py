"""The README's SmolLM2-135M-Instruct results, end to end from public files.

Two measurements of ``pairgen train --model smollm2-135m`` (issue 24):

- **GSM8K** (real train rows): DPO and DPOP, 3 seeds, at least 60 held-out pairs per seed;
  per seed and over the seeds, the chosen completion's mean per-token log-prob after the
  edit (reference, DPO, DPOP) and the suffix-length effect as the report states it
  (Spearman's rho of the after-edit change against the tokens after the edit, its
  permutation p-value), with a 95% interval for rho (Fisher z, the Bonett-Wright standard
  error for Spearman's rho).
- **ARC-Challenge** (test questions with all their choices): acc and acc_norm of the
  held-out questions before (the reference) and after DPO and DPOP, as
  lm-evaluation-harness computes them on pairgen's prompts
  (:mod:`pairgen.training.analysis.choice_accuracy`), with the number of questions and the
  binomial standard error sqrt(p(1-p)/n); then every two models (reference, DPO, DPOP)
  compared question by question from the run's ``choices.jsonl``: the paired difference,
  its standard error and the exact McNemar p-value (:mod:`pairgen.training.analysis.paired`).

The ARC file may be in the Hub schema (``id``, ``question``, ``choices {text, label}``,
``answerKey``), in AI2's original JSONL (``question {stem, choices [{text, label}]}``) or
in llm-foundry's eval copy (``query``, ``choices``, ``gold``: the copy in
mosaicml/llm-foundry, ``scripts/eval/local_data/world_knowledge/arc_challenge.jsonl``).
That copy gives all 1,172 test questions 4 choices; 4 of them list one wrong choice
twice, and the repeat is dropped here (it scores exactly as its twin, so acc does not
change; pairgen would make the same pair twice).  The file is
converted to the Hub schema under WORK (never committed: CC-BY-SA-4.0 rows).

    PAIRGEN_CACHE=... PAIRGEN_SMOLLM2_GGUF=.../SmolLM2-135M-Instruct.Q4_1.gguf \\
    python benchmarks/smollm2_results.py --gsm8k-train gsm8k/train.jsonl \\
        --arc-test arc_challenge.jsonl --work /tmp/smol

The three GSM8K seeds (``WORK/runs/gsm8k/seed-<s>``, the layout of ``--seeds 3``) and the
ARC run (``WORK/runs/arc``) run at once, one process and one thread each.  A run whose
``report.json`` is already under WORK is read, not rerun (``--rerun`` reruns).
"""

from __future__ import annotations

import argparse
import json
import math
import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

PAIRGEN = [sys.executable, "-m", "pairgen"]
LOSSES = ("dpo", "dpop")
# GSM8K: the README's earlier command (--max-length 256, 16 steps of 4 pairs, seeds 0-2),
# with 64 held-out pairs per seed instead of 15; no curve points between the first and
# the last evaluation (--eval-every 0), which the figures below do not use.
GSM8K_SEEDS = (0, 1, 2)
GSM8K_TRAIN = [
    "--max-pairs", "400", "--eval-fraction", "0.25", "--max-eval-pairs", "64",
    "--max-length", "256", "--steps", "16", "--eval-every", "0",
]  # fmt: skip
# ARC: at most 640 held-out pairs, whole questions (3 pairs for a 4-choice question):
# just over 200 questions; --max-length 512 keeps every ARC pair whole.
ARC_TRAIN = [
    "--eval-fraction", "0.25", "--max-eval-pairs", "640", "--max-length", "512",
    "--steps", "32", "--eval-every", "0",
]  # fmt: skip


def hub_row(row: dict[str, Any], index: int) -> dict[str, Any]:
    """One ARC question in the Hub schema, from any of the three shapes above."""
    if isinstance(row.get("question"), dict):  # AI2's original JSONL
        choices = row["question"]["choices"]
        return {
            "id": row["id"],
            "question": row["question"]["stem"],
            "choices": {
                "text": [c["text"] for c in choices],
                "label": [c["label"] for c in choices],
            },
            "answerKey": row["answerKey"],
        }
    if "query" in row:  # llm-foundry: "Question: ..." and the gold index
        texts = list(dict.fromkeys(row["choices"]))  # a repeated choice once
        gold = texts.index(row["choices"][row["gold"]])
        labels = [chr(ord("A") + i) for i in range(len(texts))]
        question = row["query"].removeprefix("Question:").strip()
        return {
            "id": f"arc-challenge-test-{index:04d}",
            "question": question,
            "choices": {"text": texts, "label": labels},
            "answerKey": labels[gold],
        }
    return row  # the Hub schema already


def convert_arc(source: Path, target: Path) -> dict[str, int]:
    """Write ``source`` in the Hub schema to ``target``; return questions per choice count."""
    counts: dict[str, int] = {}
    with open(source, encoding="utf-8") as rows, open(target, "w", encoding="utf-8") as out:
        for index, line in enumerate(rows):
            row = hub_row(json.loads(line), index)
            n = str(len(row["choices"]["text"]))
            counts[n] = counts.get(n, 0) + 1
            out.write(json.dumps(row) + "\n")
    return dict(sorted(counts.items()))


def show(command: list[str]) -> str:
    return " ".join(["pairgen", *command[3:]] if command[:3] == PAIRGEN else command)


def build(command: list[str], out: Path) -> None:
    """``pairgen build`` into ``out`` unless a build is there already."""
    if not (out / "manifest.json").exists():
        command = [*command, "--out", str(out), "-q"]
        print("$", show(command), flush=True)
        subprocess.run(command, check=True)


def train_command(data: Path, run_dir: Path, flags: list[str]) -> list[str]:
    """``pairgen train`` of DPO and DPOP on SmolLM2."""
    losses = [arg for name in LOSSES for arg in ("--loss", name)]
    command = [*PAIRGEN, "train", str(data), "--model", "smollm2-135m", *losses, *flags]
    return [*command, "--run-dir", str(run_dir), "-q"]


def run_all(commands: dict[Path, list[str]], rerun: bool) -> dict[Path, float]:
    """Run the train commands at once, one process each; wall seconds by run dir (NaN for a
    run whose report.json was there already and is read, not rerun).

    One process per run: on 2 cores a one-thread process each keeps both cores busy
    with less thread overhead than one two-thread run after another.
    """
    walls: dict[Path, float] = {}
    started = time.perf_counter()
    running: dict[Path, subprocess.Popen[bytes]] = {}
    for run_dir, command in commands.items():
        if (run_dir / "report.json").exists() and not rerun:
            print(f"reading the earlier run in {run_dir}", flush=True)
            walls[run_dir] = math.nan
            continue
        print("$", show(command), flush=True)
        running[run_dir] = subprocess.Popen(command)
    while running:
        for run_dir, process in list(running.items()):
            if process.poll() is not None:
                if process.returncode:
                    raise SystemExit(
                        f"error: {show(commands[run_dir])} exited {process.returncode}"
                    )
                walls[run_dir] = time.perf_counter() - started
                del running[run_dir]
        time.sleep(1)
    return walls


def rho_interval(rho: float, n: int) -> tuple[float, float]:
    """95% interval of Spearman's rho: Fisher z with the Bonett-Wright standard error."""
    if n < 4 or not math.isfinite(rho) or abs(rho) >= 1:
        return math.nan, math.nan
    se = math.sqrt((1 + rho * rho / 2) / (n - 3))
    z = math.atanh(rho)
    return math.tanh(z - 1.96 * se), math.tanh(z + 1.96 * se)


def after(values: dict[str, Any]) -> float:
    return float(values["eval"]["after"])


def print_gsm8k(runs: list[dict[str, Any]]) -> None:
    """After-edit log-probs and the suffix-length effect, per seed and their mean."""
    print("\nGSM8K: after-edit mean log-prob of chosen (held-out pairs), per seed")
    print("seed | held out | reference | dpo | dpop")
    columns: dict[str, list[float]] = {"reference": [], **{name: [] for name in LOSSES}}
    for seed in runs:
        values = {"reference": after(seed["reference"])}
        values |= {name: after(seed["losses"][name]) for name in LOSSES}
        for key, value in values.items():
            columns[key].append(value)
        pairs = seed["reference"]["eval"]["pairs"]
        print(
            f"{seed['config']['seed']} | {pairs} | "
            + " | ".join(f"{v:.3f}" for v in values.values())
        )
    means = " | ".join(f"{sum(v) / len(v):.3f}" for v in columns.values())
    print(f"mean | | {means}")
    print(
        "\nsuffix-length effect: Spearman rho [95% interval], permutation p, pairs; mean delta by bin"
    )
    for name in LOSSES:
        for seed in runs:
            suffix = seed["losses"][name]["suffix"]
            rho, n = float(suffix["spearman_rho"]), int(suffix["pairs"])
            low, high = rho_interval(rho, n)
            bins = ", ".join(
                f"{b['tokens_after']}: {b['mean_delta']:+.2f} ({b['pairs']})"
                for b in suffix["bins"]
            )
            print(
                f"{name} seed {seed['config']['seed']}: rho {rho:+.2f} [{low:+.2f}, {high:+.2f}], "
                f"p {suffix['p_value']:.3g}, n {n}; {bins}"
            )
        rhos = [float(seed["losses"][name]["suffix"]["spearman_rho"]) for seed in runs]
        print(f"{name} mean rho over {len(rhos)} seeds: {sum(rhos) / len(rhos):+.2f}")
    print("\nthe same points as a total change (delta x tokens after the edit, in nats):")
    for name in LOSSES:
        for seed in runs:
            rho, p, n = total_change_rho(seed["losses"][name]["suffix"]["points"])
            print(f"{name} seed {seed['config']['seed']}: rho {rho:+.2f}, p {p:.3g}, n {n}")


def total_change_rho(points: list[list[float]]) -> tuple[float, float, int]:
    """Spearman's rho (scipy's p) of the summed after-edit change against the tokens after
    the edit: the report's delta is per token, so a drop spread evenly over a longer
    suffix has the same delta but a larger total."""
    from scipy import stats  # type: ignore[import-untyped]

    tokens = [float(a) for a, _ in points]
    result = stats.spearmanr(tokens, [a * d for a, d in points])
    return float(result.statistic), float(result.pvalue), len(points)


def print_arc(runs: list[dict[str, Any]], run_dirs: list[Path]) -> None:
    """acc and acc_norm before and after each loss, with n and the binomial SE; then each
    pair of models compared question by question (``choices.jsonl``: the paired
    difference, its SE and the exact McNemar p; ``benchmarks/paired_choices.py``)."""
    from pairgen.training.analysis.outcomes import read_outcomes
    from pairgen.training.analysis.paired import compare

    print("\nARC-Challenge held-out questions: acc / acc_norm (binomial SE)")
    for seed, run_dir in zip(runs, run_dirs, strict=True):
        first = seed["losses"][LOSSES[0]]["choice"]["reference"]
        rows = [("reference", first)]
        rows += [(name, seed["losses"][name]["choice"]["trained"]) for name in LOSSES]
        for name, values in rows:
            n = int(values["questions"])
            cells = [
                f"{values[k]:.3f} ({math.sqrt(values[k] * (1 - values[k]) / n):.3f})"
                for k in ("acc", "acc_norm")
            ]
            print(
                f"seed {seed['config']['seed']} {name}: n {n}, acc {cells[0]}, acc_norm {cells[1]}"
            )
        print(f"acc_norm: {seed['losses'][LOSSES[0]]['choice'].get('acc_norm_by') or 'characters'}")
        if not (run_dir / "choices.jsonl").is_file():
            continue  # a run from before choices.jsonl
        outcomes = read_outcomes(run_dir)
        models = ["reference", *LOSSES]
        by_model = {m: [o for o in outcomes if o.model == m] for m in models}
        print(
            "paired: B - A on the same questions, paired SE, B right/A wrong, the reverse, McNemar p"
        )
        for a, b in [(x, y) for i, x in enumerate(models) for y in models[i + 1 :]]:
            cmp = compare(by_model[a], by_model[b], a, b)
            cells = [
                f"{kind} {c.difference:+.3f} ({c.se:.3f}) +{c.better}/-{c.worse} p {c.mcnemar_p:.3g}"
                for kind, c in (("acc", cmp.acc), ("acc_norm", cmp.acc_norm))
            ]
            print(f"{b} - {a}: n {cmp.acc.questions}; " + "; ".join(cells))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--gsm8k-train", type=Path, help="GSM8K train.jsonl (question, answer)")
    parser.add_argument("--arc-test", type=Path, help="ARC-Challenge test JSONL (see above)")
    parser.add_argument("--work", type=Path, required=True, help="builds and runs go here")
    parser.add_argument("--threads", type=int, default=1, help="--threads of each train run")
    parser.add_argument("--rerun", action="store_true", help="rerun runs that have a report")
    args = parser.parse_args()
    threads = ["--threads", str(args.threads)]
    runs = args.work / "runs"
    args.work.mkdir(parents=True, exist_ok=True)
    commands: dict[Path, list[str]] = {}
    if args.gsm8k_train:
        data = args.work / "gsm"
        files = f"train={args.gsm8k_train}"
        build([*PAIRGEN, "build", "--source", "gsm8k", "--data-files", files], data)
        for seed in GSM8K_SEEDS:
            flags = [*GSM8K_TRAIN, "--seed", str(seed), *threads]
            run_dir = runs / "gsm8k" / f"seed-{seed}"
            commands[run_dir] = train_command(data, run_dir, flags)
    if args.arc_test:
        data, hub = args.work / "arc", args.work / "arc_challenge_test.jsonl"
        print("ARC questions by number of choices:", convert_arc(args.arc_test, hub))
        build([*PAIRGEN, "build", "--source", "arc", "--data-files", f"test={hub}"], data)
        commands[runs / "arc"] = train_command(data, runs / "arc", [*ARC_TRAIN, *threads])
    load = os.getloadavg()
    walls = run_all(commands, args.rerun)
    reports = {d: json.loads((d / "report.json").read_text(encoding="utf-8")) for d in walls}
    gsm8k = [reports[d] for d in reports if d.parent.name == "gsm8k"]
    if gsm8k:
        print_gsm8k(gsm8k)
    if runs / "arc" in reports:
        print_arc([reports[runs / "arc"]], [runs / "arc"])
    print(f"\nload average (1, 5, 15 min) at the start {load}, at the end {os.getloadavg()}")
    for run_dir, wall in walls.items():
        seconds = reports[run_dir]["seconds"]
        print(f"{run_dir}: {seconds:.0f} s by its report, wall {wall:.0f} s (NaN: read, not run)")


if __name__ == "__main__":
    main()
