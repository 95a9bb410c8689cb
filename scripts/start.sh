#!/usr/bin/env bash
# `npm start`: installs what is missing, builds, runs the README's example
# (examples/seed.mjs: learn y = 2x - 1 and print the prediction for 5), then
# serves the web demo on http://127.0.0.1:${PORT:-8080}/web-demo/
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh
bash scripts/build.sh wasm js
echo
echo "== example: examples/seed.mjs"
node examples/seed.mjs
echo
exec node scripts/serve.mjs "${PORT:-8080}" "${HOST:-127.0.0.1}"
