#!/usr/bin/env bash
# Rebuild the demo's shipped starting strategist (assets/demo/strategist-0): teacher corpus on generated games,
# BPE tokenizer, imitation pretraining of the tiny built-in model (src/demo/start.ts). Deterministic in the
# seed; about 8 minutes on 2 cores. `epo demo --pretrain` does the same inside a demo run. Further arguments go to
# `epo demo` (e.g. `--size micro`).
set -euo pipefail
cd "$(dirname "$0")/.."
run="${1:-demo-start}"
npm run -s epo -- demo --pretrain --iterations 0 --run "$run" "${@:2}"
rm -rf assets/demo/strategist-0
mkdir -p assets/demo/strategist-0
for f in config.json model.safetensors tokenizer.json tokenizer_config.json special_tokens_map.json generation_config.json train_done.json; do
  [ -f "runs/$run/strategist-0/$f" ] && cp "runs/$run/strategist-0/$f" assets/demo/strategist-0/
done
echo "assets/demo/strategist-0 updated from runs/$run/strategist-0"
