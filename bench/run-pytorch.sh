#!/usr/bin/env bash
# Runs the PyTorch peer of the benchmark (bench/pytorch_peer.py) with Debian's python3-torch,
# installing it with apt if it is missing, together with OpenBLAS: without it python3-torch
# falls back to the reference BLAS (libblas3), several times slower than OpenBLAS.
# Arguments are passed to pytorch_peer.py (e.g. --threads 1,2 --models mnist).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
python=/usr/bin/python3
if ! "$python" -c 'import torch' 2>/dev/null || ! dpkg -s libopenblas0 >/dev/null 2>&1; then
  sudo=""
  if [ "$(id -u)" != 0 ]; then sudo="sudo"; fi
  $sudo apt-get update
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y python3-torch libopenblas0
fi
exec "$python" "$here/pytorch_peer.py" "$@"
