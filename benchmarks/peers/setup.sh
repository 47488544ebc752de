#!/usr/bin/env bash
# Create benchmarks/peers/.venv with the peer engines (vectorbt, backtesting.py, backtrader).
# The benchmark driver (python -m benchmarks.backtest.run) runs them there as subprocesses.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
python="${PYTHON:-python3.11}"
if [[ ! -x "$here/.venv/bin/python" ]]; then
  "$python" -m venv "$here/.venv"
fi
"$here/.venv/bin/python" -m pip install --quiet --upgrade pip
"$here/.venv/bin/python" -m pip install --quiet -r "$here/requirements.txt"
"$here/.venv/bin/python" - <<'PY'
import backtesting, backtrader, vectorbt
from vectorbt._engine import is_rust_available
print(f"peers ready: vectorbt {vectorbt.__version__} (rust engine: {is_rust_available()}), "
      f"backtesting {backtesting.__version__}, backtrader {backtrader.__version__}")
PY
