#!/usr/bin/env bash
# Packaging test: npm pack, install the tarball into an empty temporary folder
# (offline: the package has no runtime dependencies), and run the seed example
# there as an ES module and through require(); then build browser apps with it
# (esbuild, webpack, Vite) and run them in Chromium (scripts/test-bundlers.mjs).
set -euo pipefail
cd "$(dirname "$0")/.."
repo=$(pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
tarball=$(npm pack --silent --pack-destination "$tmp" | tail -n 1)
echo "packed $tarball ($(du -h "$tmp/$tarball" | cut -f1))"
cd "$tmp"
npm init -y > /dev/null
npm install --offline --no-audit --no-fund "./$tarball" > /dev/null
cat > seed.mjs <<'JS'
import * as tf from 'wasm-layers';
const model = tf.sequential();
model.add(tf.layers.dense({units: 1, inputShape: [1]}));
model.compile({optimizer: 'sgd', loss: 'meanSquaredError'});
const xs = tf.tensor2d([[1], [2], [3], [4]], [4, 1]);
const ys = tf.tensor2d([[1], [3], [5], [7]], [4, 1]);
await model.fit(xs, ys, {epochs: 1000, verbose: 0});
console.log(model.predict(tf.tensor2d([[5]], [1, 1])).dataSync()[0]);
JS
cat > seed.cjs <<'JS'
const tf = require('wasm-layers');
(async () => {
  await tf.ready();
  const model = tf.sequential();
  model.add(tf.layers.dense({units: 1, inputShape: [1]}));
  model.compile({optimizer: 'sgd', loss: 'meanSquaredError'});
  await model.fit(tf.tensor2d([[1], [2], [3], [4]]), tf.tensor2d([[1], [3], [5], [7]]), {epochs: 1000, verbose: 0});
  console.log(model.predict(tf.tensor2d([[5]])).dataSync()[0]);
})();
JS
check() {  # label, value
  node -e "const v = Number('$2'); if (!(Math.abs(v - 9) < 0.25)) { console.error('$1: prediction ' + v + ' is not close to 9'); process.exit(1); }"
  echo "PACKAGE: $1 prediction $2 ok"
}
check "ESM" "$(node seed.mjs)"
check "CommonJS" "$(node seed.cjs)"
# The same package in browser apps built with esbuild, webpack and Vite, run in Chromium.
node "$repo/scripts/test-bundlers.mjs" "$tmp"
