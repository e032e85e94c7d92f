"""pairgen's trainer (prefix sharing on and off) against TRL's DPOTrainer, in one run.

TRL runs twice: ``trl`` with its defaults (float32, as pairgen) and ``trl-fast`` with its
own speed options: ``precompute_ref_log_probs`` (no reference model in memory during
training), ``padding_free`` and ``use_liger_kernel`` where they run (TRL 1.16 warns and
falls back to padding for ``padding_free``; Liger needs its package and a GPU): each
JSON line says which options TRL really used.  pairgen's ratios are against the fastest
TRL configuration of the same run.

All of them train DPO (β 0.1, AdamW, constant learning rate, start model as reference) on
the same model, the same pairs, the same batch size and number of steps.  Each runs in
its own process, so its peak RSS is its own and the whole-run time (process start to
exit: imports, model loading, tokenization, reference log-probs, the loop) is measured
from outside.  Printed per trainer: pairs/s over the whole run and over the training
loop, peak RSS, tokens forwarded per pair in training (without and with padding) and
the loss of each step; then how far the loss trajectories of sharing on and off differ,
the token reduction of prefix sharing and the padded slots per real token of each
batching (pairgen: packed rows, length-grouped batches; packed rows in random batches;
TRL: two rows per pair padded to the batch's longest) on the
datasets given (default: the GSM8K, ARC and HellaSwag samples), and one JSON line per
trainer (``{"trainer": ..., ...}``).

    python benchmarks/train.py                       # tiny model, the GSM8K samples
    PAIRGEN_SMOLLM2_GGUF=... python benchmarks/train.py --model smollm2-135m \\
        --out /tmp/gsm_out --pairs 16 --batch-size 4 --steps 4 --lr 2e-5 \\
        --reduction gsm8k=/tmp/gsm_out --reduction gsm8k-3shot=/tmp/gsm_3shot \\
        --reduction arc=sample:arc --reduction hellaswag=sample:hellaswag

``--reduction NAME=DIR`` counts tokens on a pairgen output; ``NAME=sample:SOURCE`` builds
that source's bundled samples first.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

TRAINERS = ("pairgen-shared", "pairgen-unshared", "trl", "trl-fast")
# Run only when named in --trainers: pairgen with prefix sharing through FlexAttention
# (``--attention flex``: CUDA only, see docs/training-cost.md); the pairgen-* above pin
# ``--attention sdpa``, the dense mask, so that they measure the same path on any device.
OPTIONAL = ("pairgen-flex",)
DEFAULT_DATASETS = ("gsm8k=sample:gsm8k", "arc=sample:arc", "hellaswag=sample:hellaswag")


def subset(out: Path, pairs: int, dest: Path) -> Path:
    """The first ``pairs`` pairs of ``out``'s train split as one shard in pairgen's layout."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    from pairgen.training.loop.data import find_shards

    shards = [p for p in find_shards(out) if p.name.startswith("train-")] or find_shards(out)
    tables = [pq.read_table(p, columns=["id", "prompt", "chosen", "rejected"]) for p in shards]
    table = pa.concat_tables(tables).slice(0, pairs)
    path = dest / "data" / "bench" / "train-00000-of-00001.parquet"
    path.parent.mkdir(parents=True, exist_ok=True)
    pq.write_table(table, path)
    return dest


def build_sample(source: str, dest: Path) -> Path:
    """``pairgen build --source SOURCE`` on the bundled samples."""
    cmd = [sys.executable, "-m", "pairgen", "build", "--source", source, "--out", str(dest)]
    subprocess.run(cmd, check=True, capture_output=True)
    return dest


def run_pairgen(
    data: Path, args: argparse.Namespace, shared: bool, attention: str = "sdpa"
) -> dict[str, Any]:
    from pairgen.training.config import TrainConfig
    from pairgen.training.run import train

    with tempfile.TemporaryDirectory() as run_dir:
        report = train(
            TrainConfig(
                out_dir=data,
                run_dir=Path(run_dir),
                model=args.model,
                losses=["dpo"],
                steps=args.steps,
                batch_size=args.batch_size,
                lr=args.lr,
                beta=0.1,
                sft_steps=0,
                max_length=args.max_length,
                eval_fraction=0.0,
                progress=False,
                threads=args.threads,
                device=args.device,
                dtype=args.dtype,
                attention=attention,
                prefix_sharing=shared,
            )
        )
        lines = (Path(run_dir) / "metrics.jsonl").read_text().splitlines()
    tokens = report.data.tokens
    kind = "shared" if report.prefix_sharing else "unshared"
    assert report.cost is not None
    return {
        "padded_slots_per_token": report.cost.padded_slots_per_token,
        "loop_s": report.losses["dpo"].seconds,
        "losses": [m["loss"] for m in map(json.loads, lines) if m["split"] == "train"],
        "tokens_per_pair": tokens[f"{kind}_tokens"] / tokens["pairs"],
    }


def liger_runs() -> bool:
    """Liger's kernels are Triton kernels: they need the package and a CUDA device."""
    import importlib.util

    import torch

    return importlib.util.find_spec("liger_kernel") is not None and torch.cuda.is_available()


def run_trl(data: Path, args: argparse.Namespace, fast: bool) -> dict[str, Any]:
    import copy

    import datasets
    import torch
    import trl

    from pairgen.training.loop.models import load_model

    if args.threads:
        torch.set_num_threads(args.threads)
    shard = next((data / "data").rglob("*.parquet"))
    dataset = datasets.load_dataset("parquet", data_files={"train": str(shard)}, split="train")
    loaded = load_model(args.model, seed=0)
    model, tokenizer = loaded.model, loaded.tokenizer
    speed: dict[str, Any] = {}
    if fast:
        speed = {
            "precompute_ref_log_probs": True,
            "precompute_ref_batch_size": args.pairs,
            "padding_free": True,
            "use_liger_kernel": liger_runs(),
        }
    config = trl.DPOConfig(
        output_dir=tempfile.mkdtemp(),
        per_device_train_batch_size=args.batch_size,
        max_steps=args.steps,
        learning_rate=args.lr,
        lr_scheduler_type="constant",
        beta=0.1,
        max_length=args.max_length,
        logging_steps=1,
        save_strategy="no",
        report_to=[],
        use_cpu=not torch.cuda.is_available(),
        # DPOConfig defaults to bf16=True: on a CPU without native bfloat16 that is an
        # emulated matmul many times slower than float32.  Same arithmetic as pairgen's.
        bf16=args.dtype == "bfloat16",
        seed=0,
        disable_tqdm=True,
        **speed,
    )
    trainer = trl.DPOTrainer(
        model=model,
        # a model built in code: TRL cannot reload it by name; with precomputed
        # reference log-probs it needs none
        ref_model=None if fast else copy.deepcopy(model),
        args=config,
        train_dataset=dataset,
        processing_class=tokenizer,
    )
    counted = {"tokens": 0, "padded": 0}

    def count(module: Any, positional: Any, kwargs: dict[str, Any]) -> None:
        mask = kwargs.get("attention_mask")
        if module.training and mask is not None and mask.dim() == 2:
            counted["tokens"] += int(mask.sum())
            counted["padded"] += int(mask.numel())

    hook = trainer.model.register_forward_pre_hook(count, with_kwargs=True)
    result = trainer.train()
    hook.remove()
    pairs = args.steps * args.batch_size
    used = {
        "precompute_ref_log_probs": bool(getattr(trainer, "precompute_ref_logps", False)),
        "padding_free": bool(getattr(trainer, "padding_free", False)),
        "use_liger_kernel": bool(config.use_liger_kernel),
    }
    return {
        "loop_s": result.metrics["train_runtime"],
        "losses": [row["loss"] for row in trainer.state.log_history if "loss" in row],
        "tokens_per_pair": counted["tokens"] / pairs,
        "padded_tokens_per_pair": counted["padded"] / pairs,
        "trl_options_asked": {k: v for k, v in speed.items() if isinstance(v, bool)},
        "trl_options_used": used,
        "trl_version": trl.__version__,
    }


def worker(which: str, data: Path, args: argparse.Namespace) -> None:
    import warnings

    warnings.filterwarnings("ignore")
    if which.startswith("trl"):
        result = run_trl(data, args, fast=which == "trl-fast")
    elif which == "pairgen-flex":
        result = run_pairgen(data, args, shared=True, attention="flex")
    else:
        result = run_pairgen(data, args, shared=which == "pairgen-shared")
    result["peak_rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print("RESULT " + json.dumps(result))


def token_reduction(
    name: str, where: str, model: str, tmp: Path, limit: int, batch_size: int
) -> dict[str, Any]:
    """Tokens forwarded and LM-head positions per pair, shared vs unshared, and padded
    slots per real token of each batching, in batches of ``batch_size``."""
    from pairgen.training.loop.batches import schedule
    from pairgen.training.loop.data import read_pairs, tokenize_pairs
    from pairgen.training.loop.packing import Layout, padding_ratio, token_counts

    out = build_sample(where[7:], tmp / name) if where.startswith("sample:") else Path(where)
    tokenizer = tokenizer_of(model)
    pairs, _ = tokenize_pairs(read_pairs(out)[:limit], tokenizer, max_length=100_000)
    counts = token_counts(pairs)
    n = counts["pairs"]
    lengths = [Layout.of(p).packed for p in pairs]
    epoch = -(-n // batch_size)
    grouped = schedule(lengths, batch_size, epoch, seed=0, group=True)
    mixed = schedule(lengths, batch_size, epoch, seed=0, group=False)
    return {
        "dataset": name,
        "pairs": n,
        "unshared_tokens_per_pair": counts["unshared_tokens"] / n,
        "shared_tokens_per_pair": counts["shared_tokens"] / n,
        "tokens_saved": 1 - counts["shared_tokens"] / counts["unshared_tokens"],
        "head_positions_saved": 1
        - counts["shared_head_positions"] / counts["unshared_head_positions"],
        "padded_per_token_pairgen": padding_ratio(pairs, grouped, shared=True),
        "padded_per_token_packed_ungrouped": padding_ratio(pairs, mixed, shared=True),
        "padded_per_token_two_rows_per_pair": padding_ratio(pairs, mixed, shared=False),
    }


def tokenizer_of(model: str) -> Any:
    if model == "tiny":
        from pairgen.training.loop.tiny import tiny_tokenizer

        return tiny_tokenizer()
    from pairgen.training.loop.models import load_model

    return load_model(model).tokenizer


def spawn(which: str, data: Path, args: argparse.Namespace) -> dict[str, Any]:
    cmd = [sys.executable, __file__, "--worker", which, "--data", str(data)]
    for flag in ("model", "batch_size", "steps", "lr", "max_length", "threads", "dtype", "device"):
        value = getattr(args, flag)
        if value is not None:
            cmd += [f"--{flag.replace('_', '-')}", str(value)]
    load = os.getloadavg()[0]
    started = time.perf_counter()
    done = subprocess.run(cmd, capture_output=True, text=True, check=False)
    whole = time.perf_counter() - started
    line = next((x for x in done.stdout.splitlines() if x.startswith("RESULT ")), None)
    if line is None:
        sys.exit(f"{which} failed:\n{done.stdout[-2000:]}\n{done.stderr[-4000:]}")
    pairs = args.steps * args.batch_size
    result = json.loads(line[len("RESULT ") :])
    figures = {
        "trainer": which,
        "pairs": pairs,
        "whole_s": whole,
        "pairs_per_s_whole": pairs / whole,
        "pairs_per_s_loop": pairs / result["loop_s"],
        "load_before": load,
        "load_after": os.getloadavg()[0],
        **result,
    }
    print(json.dumps(figures), file=sys.stderr, flush=True)  # kept if a later one fails
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--out", type=Path, help="a pairgen output (default: GSM8K samples)")
    parser.add_argument("--model", default="tiny", help="tiny or smollm2-135m")
    parser.add_argument("--pairs", type=int, default=64)
    parser.add_argument("--batch-size", type=int, default=8)
    parser.add_argument("--steps", type=int, default=8)
    parser.add_argument("--lr", type=float, default=1e-3)
    parser.add_argument("--max-length", type=int, default=512)
    parser.add_argument("--threads", type=int, default=None)
    parser.add_argument("--dtype", choices=["float32", "bfloat16"], default="float32")
    parser.add_argument(
        "--device", choices=["cpu", "cuda"], default="cpu", help="where pairgen trains"
    )
    parser.add_argument("--reduction", action="append", default=[], metavar="NAME=DIR")
    parser.add_argument(
        "--trainers",
        default=",".join(TRAINERS),
        help=f"comma-separated, of {', '.join(TRAINERS + OPTIONAL)}",
    )
    parser.add_argument("--reduction-pairs", type=int, default=2000)
    parser.add_argument("--worker", choices=TRAINERS + OPTIONAL, help=argparse.SUPPRESS)
    parser.add_argument("--data", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        worker(args.worker, args.data, args)
        return
    trainers = [t for t in args.trainers.split(",") if t]
    unknown = set(trainers) - set(TRAINERS + OPTIONAL)
    if unknown:
        sys.exit(
            f"unknown trainers {sorted(unknown)}; choose from {', '.join(TRAINERS + OPTIONAL)}"
        )
    with tempfile.TemporaryDirectory() as tmp:
        source = args.out or build_sample("gsm8k", Path(tmp) / "built")
        data = subset(source, args.pairs, Path(tmp) / "bench")
        results = {which: spawn(which, data, args) for which in trainers}
        reductions = [
            token_reduction(
                *spec.split("=", 1), args.model, Path(tmp), args.reduction_pairs, args.batch_size
            )
            for spec in args.reduction or DEFAULT_DATASETS
        ]
    report(args, results, reductions)


def report(
    args: argparse.Namespace, results: dict[str, dict[str, Any]], reductions: list[dict[str, Any]]
) -> None:
    print(
        f"{args.model}, {args.pairs} pairs, batch {args.batch_size}, {args.steps} steps, "
        f"DPO β=0.1, lr {args.lr}, {args.dtype}, {os.cpu_count()} CPUs"
        + (f", pairgen on {args.device}" if args.device != "cpu" else "")
    )
    print(
        f"{'trainer':<17}{'whole s':>8}{'pairs/s':>9}{'loop s':>8}{'pairs/s':>9}"
        f"{'peak RSS MB':>12}{'tok/pair':>9}{'load':>11}  losses"
    )
    for r in results.values():
        losses = " ".join(f"{x:.4f}" for x in r["losses"])
        print(
            f"{r['trainer']:<17}{r['whole_s']:8.1f}{r['pairs_per_s_whole']:9.3f}"
            f"{r['loop_s']:8.1f}{r['pairs_per_s_loop']:9.3f}{r['peak_rss_mb']:12.0f}"
            f"{r['tokens_per_pair']:9.0f}{r['load_before']:5.1f}-{r['load_after']:<5.1f}  {losses}"
        )
    on, off = results.get("pairgen-shared"), results.get("pairgen-unshared")
    if on and off:
        gap = max(abs(a - b) for a, b in zip(on["losses"], off["losses"], strict=True))
        print(f"loss trajectories, sharing on vs off: largest difference {gap:.2e}")
    flexed = results.get("pairgen-flex")
    if on and flexed:
        gap = max(abs(a - b) for a, b in zip(on["losses"], flexed["losses"], strict=True))
        print(
            f"FlexAttention vs the dense mask (both shared): "
            f"{flexed['pairs_per_s_whole'] / on['pairs_per_s_whole']:.2f}x pairs/s over the "
            f"whole run, {flexed['pairs_per_s_loop'] / on['pairs_per_s_loop']:.2f}x in the loop, "
            f"peak RSS {flexed['peak_rss_mb'] / on['peak_rss_mb']:.2f}x; loss trajectories "
            f"differ by at most {gap:.2e}"
        )
    trl = [r for name, r in results.items() if name.startswith("trl")]
    if on and trl:
        best = max(trl, key=lambda r: r["pairs_per_s_whole"])
        print(
            f"pairgen (sharing) vs the fastest TRL ({best['trainer']}): "
            f"{on['pairs_per_s_whole'] / best['pairs_per_s_whole']:.2f}x pairs/s over the "
            f"whole run, {on['pairs_per_s_loop'] / best['pairs_per_s_loop']:.2f}x in the loop, "
            f"peak RSS {on['peak_rss_mb'] / best['peak_rss_mb']:.2f}x its own "
            f"({on['peak_rss_mb'] / min(r['peak_rss_mb'] for r in trl):.2f}x TRL's lowest)"
        )
    for red in reductions:
        print(
            f"{red['dataset']:<10} {red['pairs']:5d} pairs: "
            f"{red['unshared_tokens_per_pair']:7.1f} -> {red['shared_tokens_per_pair']:7.1f} "
            f"tokens/pair ({red['tokens_saved']:.0%} fewer), "
            f"LM-head positions {red['head_positions_saved']:.0%} fewer; padded slots per "
            f"real token: pairgen {red['padded_per_token_pairgen']:.1%}, packed in random batches "
            f"{red['padded_per_token_packed_ungrouped']:.1%}, two rows per pair (TRL) "
            f"{red['padded_per_token_two_rows_per_pair']:.1%}"
        )
    print(json.dumps({"token_reduction": reductions}))
    for r in results.values():
        print(json.dumps(r))


if __name__ == "__main__":
    main()
