#!/usr/bin/env bash
# U-Net train step: DiffusionFramework (TorchSharp) against the identical network in Debian's PyTorch (python3-torch),
# same config, batch and threads, back to back. Prints both timings and the ratio ours / PyTorch (goal <= 0.7).
# Usage: tests/Benchmarks/UNetTrainStep/run.sh [--config FILE] [--size 8] [--batch 64] [--threads 2] [--warmup 5] [--steps 30]
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
python="${PYTHON:-/usr/bin/python3}"
args=(--config "$here/digits.json" "$@")

"$python" -c "import torch" 2>/dev/null || { echo "run.sh: $python has no torch (apt install python3-torch, or set PYTHON)" >&2; exit 2; }
dotnet build "$here/UNetTrainStep.csproj" -c Release -nologo -v q >&2
# libtorch 2.10 warns once per convolution that NNPACK cannot start on this CPU: drop those lines.
ours="$(dotnet "$here/bin/Release/net10.0/UNetTrainStep.dll" "${args[@]}" 2> >(grep -v "NNPACK" >&2))"
echo "$ours"
params="$(sed -E 's/.*params=([0-9]+).*/\1/' <<<"$ours")"
theirs="$("$python" "$here/unet_train_step.py" "${args[@]}" --expect-params "$params")"
echo "$theirs"
ms() { sed -E 's/.*ms_per_step=([0-9.]+).*/\1/' <<<"$1"; }
awk -v a="$(ms "$ours")" -v b="$(ms "$theirs")" 'BEGIN { printf "ratio ours/pytorch = %.3f (goal <= 0.7)\n", a / b }'
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg)"
