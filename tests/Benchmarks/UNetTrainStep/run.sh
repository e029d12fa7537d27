#!/usr/bin/env bash
# U-Net train step: DiffusionFramework (TorchSharp) against the identical network in Debian's PyTorch (python3-torch),
# same config, batch and threads, back to back. Prints both timings and the ratio ours / PyTorch (goal <= 0.7), then
# both again with glibc malloc told to keep freed memory (MALLOC_MMAP_THRESHOLD_, MALLOC_TRIM_THRESHOLD_): by default
# PyTorch 1.13 gives its large tensors back to the kernel when freed and faults them in again every step, which
# costs it about a third of its step time here; the second ratio compares the frameworks without that cost.
# Usage: tests/Benchmarks/UNetTrainStep/run.sh [--config FILE] [--size 8] [--batch 64] [--threads 2] [--warmup 5] [--steps 30]
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
python="${PYTHON:-/usr/bin/python3}"
args=(--config "$here/digits.json" "$@")

"$python" -c "import torch" 2>/dev/null || { echo "run.sh: $python has no torch (apt install python3-torch, or set PYTHON)" >&2; exit 2; }
dotnet build "$here/UNetTrainStep.csproj" -c Release -nologo -v q >&2
ms() { sed -E 's/.*ms_per_step=([0-9.]+).*/\1/' <<<"$1"; }
ratio() { awk -v a="$(ms "$1")" -v b="$(ms "$2")" 'BEGIN { printf "%.3f", a / b }'; }
# DOTNET_JITMinOpts=1 as the diffusion CLI runs (see README, "Scalars freed while libtorch reads them").
# libtorch 2.10 warns once per convolution that NNPACK cannot start on this CPU: drop those lines.
ours() { DOTNET_JITMinOpts=1 dotnet "$here/bin/Release/net10.0/UNetTrainStep.dll" "${args[@]}" 2> >(grep -v "NNPACK" >&2); }
theirs() { "$python" "$here/unet_train_step.py" "${args[@]}" --expect-params "$1"; }

a="$(ours)"; echo "$a"
params="$(sed -E 's/.*params=([0-9]+).*/\1/' <<<"$a")"
b="$(theirs "$params")"; echo "$b"
echo "ratio ours/pytorch = $(ratio "$a" "$b") (goal <= 0.7)"
export MALLOC_MMAP_THRESHOLD_=4294967296 MALLOC_TRIM_THRESHOLD_=4294967296
c="$(ours)"; echo "malloc keeping freed memory: $c"
d="$(theirs "$params")"; echo "malloc keeping freed memory: $d"
echo "ratio ours/pytorch, both keeping freed memory = $(ratio "$c" "$d")"
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg)"
