"""The run report: Smaug's before/at/after table, the verdict, report.json and report.md.

The verdict is the point of the training stage: the pairs *validate* when DPO raises the
reward margin on held-out pairs and pushes the chosen completion's log-prob after the
edit below the reference, while DPOP keeps it at or above the reference (within
``tolerance`` nats per token).  That is the ordering of seed 000: DPO < reference <= DPOP.
"""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

from pairgen.errors import PairgenError

COLUMNS = [
    ("before", "before"),
    ("at", "at"),
    ("after", "after"),
    ("chosen_logp", "log π_w"),
    ("rejected_logp", "log π_l"),
    ("reward_margin", "margin"),
    ("reward_accuracy", "acc"),
    ("loss", "loss"),
]


def verdict(report: dict[str, Any]) -> dict[str, Any]:
    """Whether DPO and DPOP order the after-edit log-prob as in seed 000."""
    tolerance = float(report["config"].get("tolerance", 0.05))
    losses = report["losses"]
    if "dpo" not in losses or "dpop" not in losses:
        return {
            "validated": None,
            "reason": "needs both --loss dpo and --loss dpop",
            "tolerance": tolerance,
        }
    if not report["reference"]["eval"]:
        return {
            "validated": None,
            "reason": "no held-out pairs (--eval-fraction 0)",
            "tolerance": tolerance,
        }
    ref = report["reference"]["eval"]["after"]
    dpo, dpop = losses["dpo"]["eval"], losses["dpop"]["eval"]
    checks = {
        "dpo_raises_margin": dpo["reward_margin"] > 0,
        "dpo_after_below_reference": dpo["after"] < ref,
        "dpop_after_at_or_above_reference": dpop["after"] >= ref - tolerance,
    }
    ordering = f"DPO {dpo['after']:.3f} vs reference {ref:.3f} vs DPOP {dpop['after']:.3f}"
    return {
        "validated": all(checks.values()),
        "checks": checks,
        "ordering": ordering,
        "tolerance": tolerance,
    }


def rows(report: dict[str, Any]) -> list[tuple[str, dict[str, Any]]]:
    """Table rows: the reference first, then each loss's held-out measurement."""
    # Rewards of the reference against itself are 0 by definition: show them as blanks.
    reference = {**report["reference"]["eval"], "reward_margin": None, "reward_accuracy": None}
    out = [("reference", reference)]
    out += [(name, result["eval"]) for name, result in report["losses"].items()]
    return out


def fmt(value: Any) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "–"
    return f"{value:.3f}" if isinstance(value, float) else str(value)


def markdown(report: dict[str, Any]) -> str:
    """report.md: the table, the verdict, the data and the settings."""
    cfg, data = report["config"], report["data"]
    first: dict[str, Any] = next(iter(report["losses"].values()), {})
    seconds = report.get("seconds", math.nan)
    lines = [
        f"# pairgen train report: {report['model']['name']}",
        "",
        f"Pairs from `{cfg['out_dir']}`: {data['train_pairs']} train, "
        f"{data['eval_pairs']} held out (tokenization: {data['tokenize']}).",
        f"{cfg['steps']} steps of {cfg['batch_size']} pairs × {cfg['grad_accum']} accumulation, "
        f"lr {first.get('lr', '–')}, max length {cfg['max_length']}, seed {cfg['seed']}; "
        f"{seconds:.0f} s in all.",
        "",
        "Mean per-token log-prob of the chosen completion before, at and after the first "
        "differing token, on held-out pairs (seed 000's table; MetaMath: DPO -1.82, DPOP -0.26, "
        "reference -0.37 after the edit).",
        "",
        "| model | " + " | ".join(title for _, title in COLUMNS) + " |",
        "|---" * (len(COLUMNS) + 1) + "|",
    ]
    for name, values in rows(report):
        lines.append(f"| {name} | " + " | ".join(fmt(values.get(key)) for key, _ in COLUMNS) + " |")
    v = report["verdict"]
    lines += ["", "## Verdict", ""]
    if v["validated"] is None:
        lines.append(f"Not evaluated: {v['reason']}.")
    else:
        word = "**validated**" if v["validated"] else "**not validated**"
        lines.append(f"Pairs {word}: {v['ordering']} (tolerance {v['tolerance']}).")
        lines += [f"- {name}: {'yes' if ok else 'no'}" for name, ok in v["checks"].items()]
    cosine = [(n, r) for n, r in report["losses"].items() if "grad_cosine_end" in r]
    if cosine:
        lines += [
            "",
            "## Gradient cosine (seed 001, Table 1)",
            "",
            "| loss | start cos | start cases | end cos | end cases |",
            "|---|---|---|---|---|",
        ]
        for name, r in cosine:
            s, e = r["grad_cosine_start"], r["grad_cosine_end"]
            cells = [fmt(s["mean_cosine"]), s["cases"], fmt(e["mean_cosine"]), e["cases"]]
            lines.append(f"| {name} | " + " | ".join(map(str, cells)) + " |")
    lines += ["", "## Losses", ""]
    for name, r in report["losses"].items():
        hp = {k: v for k, v in r["hyper"].items() if v is not None}
        lines.append(f"- {name}: {hp}, {r['seconds']:.1f} s, {r['pairs_per_second']:.2f} pairs/s")
    lines += [
        "",
        "Plots: `logprobs.png` (log-probs against step), `regions.png` (before/at/after).",
        "",
    ]
    return "\n".join(lines)


def write_outputs(run_dir: Path, report: dict[str, Any]) -> None:
    """Add the verdict and write report.json, report.md and the plots."""
    from pairgen.train.plots import write_plots

    report["verdict"] = verdict(report)
    text = json.dumps(without_nan(report), indent=2, default=str, allow_nan=False)
    (run_dir / "report.json").write_text(text + "\n")
    (run_dir / "report.md").write_text(markdown(report))
    write_plots(run_dir, report, read_metrics(run_dir))


def read_report(run_dir: Path) -> dict[str, Any]:
    path = run_dir / "report.json"
    if not path.is_file():
        raise PairgenError(
            "no report.json here; is this a `pairgen train --run-dir`?", file=str(run_dir)
        )
    try:
        report: dict[str, Any] = json.loads(path.read_text())
    except json.JSONDecodeError as exc:
        raise PairgenError(f"unreadable report.json: {exc}", file=str(path)) from exc
    return report


def read_metrics(run_dir: Path) -> list[dict[str, Any]]:
    path = run_dir / "metrics.jsonl"
    if not path.is_file():
        return []
    return [json.loads(line) for line in path.read_text().splitlines() if line.strip()]


__all__ = ["markdown", "read_metrics", "read_report", "rows", "verdict", "write_outputs"]


def without_nan(value: Any) -> Any:
    """NaN/inf (an undefined loss, an empty region) as null, so report.json is strict JSON."""
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, dict):
        return {k: without_nan(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [without_nan(v) for v in value]
    return value
