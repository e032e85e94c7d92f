#!/bin/bash
# Byte identity of a build across code changes: builds the same inputs with the pairgen of
# TREE and lists the sha256 of every shard, rejects file and manifest (LABEL.sha), so two
# checkouts can be compared with `diff before.sha after.sha`.
#
#   benchmarks/byte_identity.sh TREE LABEL [WORKDIR]
#
# Builds: the demo pipeline, gsm8k, hendrycks_math, arc, mmlu, piqa, metamath, hellaswag on the
# bundled samples (seed 7), a 2-shot conversational gsm8k; and, when their files are given,
# real data: GSM8K_TRAIN (openai/grade-school-math train.jsonl), MATH_ALL (the MATH rows as
# JSONL: problem, level, type, solution; strict and --math-tier carried) and ARC_CHALLENGE
# (the conformance copy made by benchmarks/conformance/fetch.py).  PYTHON: the interpreter
# (default: python3) with pairgen's dependencies installed.
set -euo pipefail
TREE=$(cd "$1" && pwd); LABEL=$2; WORK=${3:-${TMPDIR:-/tmp}/pairgen-bytes}
D=$WORK/$LABEL; rm -rf "$D"; mkdir -p "$D"; cd "$D"
export PYTHONPATH=$TREE
P="${PYTHON:-python3} -m pairgen"
$P build demo --out "$D/demo" -q
for s in gsm8k hendrycks_math arc mmlu piqa metamath hellaswag; do
  $P build --source $s --out "$D/$s" -q --seed 7
done
$P build --source gsm8k --out "$D/gsm8k-tok" -q --shots 2 --format conversational
if [ -n "${GSM8K_TRAIN:-}" ]; then
  $P build --source gsm8k --data-files "train=$GSM8K_TRAIN" --out "$D/real-gsm8k-train" -q
fi
if [ -n "${MATH_ALL:-}" ]; then
  $P build --source hendrycks_math --data-files "train=$MATH_ALL" --out "$D/real-math" -q --allow-rejects
  $P build --source hendrycks_math --data-files "train=$MATH_ALL" --out "$D/real-math-carried" -q \
    --allow-rejects --math-tier carried
fi
if [ -n "${ARC_CHALLENGE:-}" ]; then
  $P build --source arc --config ARC-Challenge --data-files "test=$ARC_CHALLENGE" \
    --out "$D/real-arc" -q
fi
cd "$D"; find . -type f ! -path '*/.pairgen/*' | sort | xargs sha256sum > "$WORK/$LABEL.sha"
echo "$(wc -l < "$WORK/$LABEL.sha") files: $WORK/$LABEL.sha"
