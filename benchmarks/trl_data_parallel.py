"""pairgen's DPOP inside TRL's DPOTrainer, data-parallel: run under ``accelerate launch``.

    accelerate launch --multi_gpu --num_processes 2 benchmarks/trl_data_parallel.py OUT

On a machine without GPUs this starts 2 CPU processes joined by gloo (``--cpu`` instead
runs accelerate's simple launcher, which for several CPU processes needs mpirun).

OUT is a pairgen build output.  Every process trains the tiny model on its share of each
batch (gloo on the CPU); at the end every rank checks that its weights equal rank 0's
(gradients were averaged) and that they moved; rank 0 prints one JSON line with the
world size, steps, losses and seconds.
"""

from __future__ import annotations

import argparse
import json
import tempfile
import time
from pathlib import Path

import datasets
import torch
import torch.distributed as dist
from trl.trainer.dpo_config import DPOConfig
from trl.trainer.dpo_trainer import DPOTrainer

from pairgen.training.loop.tiny import tiny_model
from pairgen.trl import PairgenDPOTrainer


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("out", type=Path)
    parser.add_argument("--steps", type=int, default=3)
    parser.add_argument("--loss", default="dpop")
    parser.add_argument(
        "--no-average",
        action="store_true",
        help="skip the gradient averaging (to see the ranks' weights drift apart)",
    )
    args = parser.parse_args()
    if args.no_average:
        PairgenDPOTrainer.training_step = DPOTrainer.training_step  # type: ignore[method-assign]
    shards = sorted(str(p) for p in (args.out / "data").rglob("train-*.parquet"))
    dataset = datasets.load_dataset("parquet", data_files={"train": shards}, split="train")
    model, tokenizer = tiny_model(seed=0)
    ref_model, _ = tiny_model(seed=1)
    start = [p.detach().clone() for p in model.parameters()]
    with tempfile.TemporaryDirectory() as tmp:
        trainer = PairgenDPOTrainer(
            model=model,
            ref_model=ref_model,
            args=DPOConfig(
                output_dir=tmp,
                per_device_train_batch_size=2,
                max_steps=args.steps,
                learning_rate=1e-3,
                logging_steps=1,
                save_strategy="no",
                report_to=[],
                use_cpu=True,
                bf16=False,
                seed=0,
                max_length=1024,
            ),
            train_dataset=dataset,
            processing_class=tokenizer,
            loss=args.loss,
        )
        started = time.perf_counter()
        trainer.train()
        seconds = time.perf_counter() - started
    world = dist.get_world_size() if dist.is_initialized() else 1
    flat = torch.cat([p.detach().flatten() for p in trainer.model.parameters()])
    moved = any(
        not torch.equal(p.detach(), s)
        for p, s in zip(trainer.model.parameters(), start, strict=True)
    )
    same = True
    if world > 1:
        first = flat.clone()
        dist.broadcast(first, src=0)
        agree = torch.tensor([int(torch.equal(first, flat))])
        dist.all_reduce(agree, op=dist.ReduceOp.MIN)  # every rank learns whether all agree
        same = bool(agree.item())
    assert moved, "the weights did not move"
    if not args.no_average:
        assert same, "the ranks' weights differ: the gradients were not averaged"
    if not dist.is_initialized() or dist.get_rank() == 0:
        losses = [row["loss"] for row in trainer.state.log_history if "loss" in row]
        print(
            json.dumps(
                {
                    "processes": world,
                    "steps": trainer.state.global_step,
                    "loss": args.loss,
                    "losses": losses,
                    "seconds": round(seconds, 1),
                    "weights_equal_across_ranks": same,
                }
            )
        )


if __name__ == "__main__":
    main()
