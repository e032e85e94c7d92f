"""FlexAttention against the dense mask on pairgen's own packed batches: time and exactness.

The pairs (default: the bundled GSM8K samples, tokenized for ``--model``) are batched as
``pairgen train`` batches them (length-grouped, several pairs per packed row), and each
batch goes through the shared layout along each path: ``sdpa`` with the dense 4D mask,
``flex`` with the BlockMask, FlexAttention as transformers runs it (through
``torch.compile``), and ``flex-unfused``, torch's ``flex_attention`` without that
compilation (the CPU default: torch 2.13's compiled CPU kernel fails to build for this
mask at some batch lengths, a C++ error in inductor's CPU template).
On the CPU the passes are forward only (torch 2.13's FlexAttention has no CPU backward);
on CUDA forward and backward, as a training step does.  The paths alternate batch by
batch, so a busy machine slows them alike.

Printed per path: the first pass over the batches (flex: compiling its kernel for each
new shape included), the median batch of the later rounds, the ratio flex / sdpa, and
the largest per-token log-prob difference from the unshared computation (sdpa, float32).

    python benchmarks/attention.py                          # tiny model, CPU
    PAIRGEN_SMOLLM2_GGUF=... python benchmarks/attention.py --device cuda \\
        --model smollm2-135m --dtype bfloat16 --pairs 64 --batch-size 8
"""

from __future__ import annotations

import argparse
import contextlib
import copy
import json
import os
import statistics
import sys
import tempfile
import time
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import torch

from pairgen.training.loop.batches import schedule
from pairgen.training.loop.data import TokenizedPair, read_pairs, tokenize_pairs
from pairgen.training.loop.device import Precision, resolve_dtype
from pairgen.training.loop.flex import FLEX_ATTENTION
from pairgen.training.loop.forward import Logprobs, forward_packed
from pairgen.training.loop.models import load_model
from pairgen.training.loop.packing import pack_shared, pack_unshared, pair_lengths

sys.path.insert(0, str(Path(__file__).resolve().parent))
from train import build_sample


@contextmanager
def uncompiled() -> Iterator[None]:
    """transformers' flex layers call torch's flex_attention without torch.compile."""
    import transformers.integrations.flex_attention as hf_flex
    from torch.nn.attention.flex_attention import flex_attention

    def plain(query: Any, key: Any, value: Any, training: bool = False, **kw: Any) -> Any:
        return flex_attention(query, key, value, **kw)

    compiled = hf_flex.compile_friendly_flex_attention
    hf_flex.compile_friendly_flex_attention = plain
    try:
        yield
    finally:
        hf_flex.compile_friendly_flex_attention = compiled


def one_pass(
    model: Any, pairs: list[TokenizedPair], precision: Precision, shared: bool = True
) -> tuple[float, Logprobs]:
    """Seconds for one batch (forward, and backward on a GPU) and its log-probs."""
    packed = (pack_shared if shared else pack_unshared)(pairs, 0).to(precision.device)
    train = precision.device.type != "cpu"
    model.train(train)
    started = time.perf_counter()
    with torch.set_grad_enabled(train), precision.autocast():
        out = forward_packed(model, packed, chunk_size=512, mask_dtype=precision.dtype)
    if train:
        (out.rejected_total - out.chosen_total).sum().backward()
        model.zero_grad(set_to_none=True)
        torch.cuda.synchronize()
    return time.perf_counter() - started, out


def largest_difference(a: Logprobs, b: Logprobs) -> float:
    return max(
        float((a.chosen - b.chosen).abs().max()), float((a.rejected - b.rejected).abs().max())
    )


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--out", type=Path, help="a pairgen output (default: GSM8K samples)")
    parser.add_argument("--model", default="tiny", help="tiny or smollm2-135m")
    parser.add_argument("--pairs", type=int, default=32)
    parser.add_argument("--batch-size", type=int, default=4)
    parser.add_argument("--rounds", type=int, default=3, help="timed rounds after the first")
    parser.add_argument("--device", choices=["cpu", "cuda"], default="cpu")
    parser.add_argument("--dtype", choices=["float32", "bfloat16"], default="float32")
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument(
        "--paths",
        help="the flex paths beside sdpa, comma-separated: flex (compiled, as transformers "
        "runs it), flex-unfused (torch's flex_attention without torch.compile); default: "
        "flex on CUDA, flex-unfused on the CPU, where torch 2.13's compiled CPU kernel "
        "fails to build for this mask at some batch lengths",
    )
    args = parser.parse_args()
    warnings.filterwarnings("ignore")
    torch.set_num_threads(args.threads)
    loaded = load_model(args.model)
    with tempfile.TemporaryDirectory() as tmp:
        source = args.out or build_sample("gsm8k", Path(tmp) / "built")
        pairs, _ = tokenize_pairs(read_pairs(source)[: args.pairs], loaded.tokenizer, 512)
    epoch = -(-len(pairs) // args.batch_size)
    plan = schedule(pair_lengths(pairs), args.batch_size, epoch, seed=0, group=True)
    batches = [[pairs[i] for i in batch] for batch in plan]
    device = torch.device(args.device)
    exact, precision = Precision(device), Precision(device, resolve_dtype(args.dtype))
    sdpa = loaded.model.to(device)
    default = "flex" if device.type == "cuda" else "flex-unfused"
    models: dict[str, Any] = {"sdpa": sdpa}
    for name in (args.paths or default).split(","):
        if name not in ("flex", "flex-unfused"):
            sys.exit(f"unknown path {name!r}; choose from flex, flex-unfused")
        models[name] = copy.deepcopy(sdpa)
        models[name].set_attn_implementation(FLEX_ATTENTION)
    with torch.no_grad():
        references = [one_pass(sdpa, b, exact, shared=False)[1] for b in batches]
    first: dict[str, float] = dict.fromkeys(models, 0.0)
    later: dict[str, list[float]] = {name: [] for name in models}
    worst: dict[str, float] = dict.fromkeys(models, 0.0)
    for round_ in range(args.rounds + 1):
        for batch, reference in zip(batches, references, strict=True):
            for name, model in models.items():
                with uncompiled() if name == "flex-unfused" else contextlib.nullcontext():
                    seconds, out = one_pass(model, batch, precision)
                if round_ == 0:
                    first[name] += seconds
                    worst[name] = max(worst[name], largest_difference(out, reference))
                else:
                    later[name].append(seconds)
    report(args, len(pairs), len(batches), first, later, worst)


def report(
    args: argparse.Namespace,
    pairs: int,
    batches: int,
    first: dict[str, float],
    later: dict[str, list[float]],
    worst: dict[str, float],
) -> None:
    step = "forward" if args.device == "cpu" else "forward + backward"
    print(
        f"{args.model}, {pairs} pairs in {batches} batches of {args.batch_size}, {step}, "
        f"{args.dtype}, {args.device}, {args.threads} thread(s), {os.cpu_count()} CPUs, "
        f"load {os.getloadavg()[0]:.1f}"
    )
    print(f"{'path':<14}{'first pass s':>13}{'median batch s':>16}{'vs sdpa':>9}  max |Δ logp|")
    base = statistics.median(later["sdpa"]) if later["sdpa"] else float("nan")
    rows = []
    for name in first:
        median = statistics.median(later[name]) if later[name] else float("nan")
        rows.append(
            {
                "path": name,
                "first_pass_s": first[name],
                "median_batch_s": median,
                "vs_sdpa": median / base,
                "max_abs_logp_diff_vs_unshared_float32": worst[name],
            }
        )
        print(
            f"{name:<14}{first[name]:13.2f}{median:16.4f}{median / base:8.2f}x  {worst[name]:.2e}"
        )
    print(json.dumps({"attention": rows, "settings": vars(args) | {"out": str(args.out)}}))


if __name__ == "__main__":
    main()
