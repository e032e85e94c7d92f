"""pairgen's trainer against TRL's DPOTrainer: pairs/s, peak RSS and loss values.

Both train DPO (β 0.1, AdamW, same learning rate) on the same model (tiny by default,
same seed; ``--model smollm2-135m`` for the real 49K-vocabulary one),
the same pairs, the same batch size and number of steps, with the start model as the
reference.  Each runs in its own subprocess so that its peak RSS is its own; the parent
prints one table.

    python benchmarks/train.py --out /tmp/gsm8k_out --pairs 256 --batch-size 8 --steps 8
    python benchmarks/train.py              # builds the GSM8K samples into a temp dir
    python benchmarks/train.py --model smollm2-135m --out /tmp/gsm8k_out --pairs 16 \
        --batch-size 4 --steps 4 --lr 2e-5
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any


def subset(out: Path, pairs: int, dest: Path) -> Path:
    """The first ``pairs`` pairs of ``out`` as one shard in pairgen's layout."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    from pairgen.train.data import find_shards

    tables = [
        pq.read_table(p, columns=["id", "prompt", "chosen", "rejected"]) for p in find_shards(out)
    ]
    table = pa.concat_tables(tables).slice(0, pairs)
    path = dest / "data" / "bench" / "train-00000-of-00001.parquet"
    path.parent.mkdir(parents=True, exist_ok=True)
    pq.write_table(table, path)
    return dest


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def run_pairgen(data: Path, args: argparse.Namespace) -> dict[str, Any]:
    from pairgen.train.trainer import TrainConfig, train

    started = time.perf_counter()
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
            )
        )
        lines = (Path(run_dir) / "metrics.jsonl").read_text().splitlines()
    losses = [m["loss"] for m in map(json.loads, lines) if m["split"] == "train"]
    loop = report["losses"]["dpo"]["seconds"]
    return {"total_s": time.perf_counter() - started, "loop_s": loop, "losses": losses}


def run_trl(data: Path, args: argparse.Namespace) -> dict[str, Any]:
    import copy

    import datasets
    import torch
    import trl

    from pairgen.train.models import load_model

    if args.threads:
        torch.set_num_threads(args.threads)
    started = time.perf_counter()
    shard = next((data / "data").rglob("*.parquet"))
    dataset = datasets.load_dataset("parquet", data_files={"train": str(shard)}, split="train")
    loaded = load_model(args.model, seed=0)
    model, tokenizer = loaded.model, loaded.tokenizer
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
        use_cpu=True,
        seed=0,
        disable_tqdm=True,
    )
    trainer = trl.DPOTrainer(
        model=model,
        ref_model=copy.deepcopy(model),
        args=config,
        train_dataset=dataset,
        processing_class=tokenizer,
    )
    result = trainer.train()
    losses = [row["loss"] for row in trainer.state.log_history if "loss" in row]
    return {
        "total_s": time.perf_counter() - started,
        "loop_s": result.metrics["train_runtime"],
        "losses": losses,
    }


def worker(which: str, data: Path, args: argparse.Namespace) -> None:
    import warnings

    warnings.filterwarnings("ignore")
    result = run_pairgen(data, args) if which == "pairgen" else run_trl(data, args)
    result["peak_rss_mb"] = peak_rss_mb()
    print("RESULT " + json.dumps(result))


def default_data(dest: Path) -> Path:
    from pairgen.build import build
    from pairgen.config.spec import BuildSpec, SourceSpec

    out = dest / "built"
    build(BuildSpec(out=out, sources=[SourceSpec(source="gsm8k", backend="sample")]))
    return out


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--out", type=Path, help="a pairgen output dir (default: build the GSM8K samples)"
    )
    parser.add_argument("--model", default="tiny", help="tiny or smollm2-135m")
    parser.add_argument("--pairs", type=int, default=64)
    parser.add_argument("--batch-size", type=int, default=8)
    parser.add_argument("--steps", type=int, default=8)
    parser.add_argument("--lr", type=float, default=1e-3)
    parser.add_argument("--max-length", type=int, default=512)
    parser.add_argument("--threads", type=int, default=None)
    parser.add_argument("--worker", choices=["pairgen", "trl"], help=argparse.SUPPRESS)
    parser.add_argument("--data", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        worker(args.worker, args.data, args)
        return
    with tempfile.TemporaryDirectory() as tmp:
        source = args.out or default_data(Path(tmp))
        data = subset(source, args.pairs, Path(tmp) / "bench")
        results = {}
        for which in ("pairgen", "trl"):
            cmd = [sys.executable, __file__, "--worker", which, "--data", str(data)]
            for flag in ("model", "pairs", "batch_size", "steps", "lr", "max_length", "threads"):
                value = getattr(args, flag)
                if value is not None:
                    cmd += [f"--{flag.replace('_', '-')}", str(value)]
            done = subprocess.run(cmd, capture_output=True, text=True, check=False)
            line = next((x for x in done.stdout.splitlines() if x.startswith("RESULT ")), None)
            if line is None:
                sys.exit(f"{which} failed:\n{done.stdout[-2000:]}\n{done.stderr[-4000:]}")
            results[which] = json.loads(line[len("RESULT ") :])
    pairs = args.steps * args.batch_size
    print(
        f"tiny model, {args.pairs} pairs, batch {args.batch_size}, {args.steps} steps, DPO β=0.1, lr {args.lr}"
    )
    print(
        f"{'trainer':<8} {'loop s':>8} {'pairs/s':>8} {'total s':>8} {'peak RSS MB':>12}  first/last loss"
    )
    for which, r in results.items():
        losses = r["losses"]
        print(
            f"{which:<8} {r['loop_s']:8.2f} {pairs / r['loop_s']:8.2f} {r['total_s']:8.2f} {r['peak_rss_mb']:12.0f}"
            f"  {losses[0]:.4f} / {losses[-1]:.4f}"
        )
    print(json.dumps(results))


if __name__ == "__main__":
    main()
