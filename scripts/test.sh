#!/usr/bin/env bash
# `npm test`: installs what is missing, builds, and runs every test suite:
#   1. GoogleTest (ctest) on the native engine
#   2. the same GoogleTest suites under AddressSanitizer + UBSan
#   3. node:test against the WebAssembly build (tests/node), the kernel-heavy suites on the
#      threaded engine (2 threads), then all again on the cpu-async test backend (data in
#      its own memory, asynchronous reads)
#   4. browser tests in Chromium via playwright-core (tests/browser)
#   5. packaging: npm pack, install the tarball into an empty folder, run the example offline
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/install-deps.sh
bash scripts/build.sh native wasm wasm-mt js

summary=()
run_suite() {  # name, command...
  local name=$1; shift
  echo
  echo "== test: $name"
  local log; log=$(mktemp)
  if "$@" 2>&1 | tee "$log"; then status=ok; else status=FAILED; fi
  local counts
  counts=$(grep -hE '^# (pass|fail) [0-9]+|tests passed, [0-9]+ tests failed|^PACKAGE:' "$log" | tr '\n' ' ')
  # The names of what failed, and the sanitizer's own words, so that a summary read
  # alone (CI keeps only the tail of the log) says which tests and why.
  local failures
  failures=$(sed -n '/^The following tests FAILED:/,$p' "$log" | grep -E '^[[:space:]]+[0-9]+ - ' | head -20 | sed -E 's/ +# GetParam.*(\([A-Za-z ]+\))$/ \1/' | tr -s ' ' | tr '\n' ';' || true)
  failures+=$(grep -hE '^not ok [0-9]+ - ' "$log" | grep -v '# TODO' | head -20 | tr '\n' ';' || true)
  failures+=$(grep -hoE '(Tracer caught signal [0-9]+|ERROR: [A-Za-z]+Sanitizer: [a-z-]+|runtime error: .{0,80})' "$log" | sort | uniq -c | head -10 | tr -s ' ' | tr '\n' ';' || true)
  if [ -n "$failures" ]; then counts+=" failed: $failures"; fi
  summary+=("$name: $status  $counts")
  rm -f "$log"
  [ "$status" = ok ]
}

failed=0
run_suite "gtest (native)" ctest --test-dir build/native --output-on-failure -j 2 || failed=1
cmake -S . -B build/asan -DCMAKE_BUILD_TYPE=Debug -DWL_SANITIZE=ON > /dev/null
cmake --build build/asan -j "$(nproc 2>/dev/null || echo 2)" > /dev/null
run_suite "gtest (ASan+UBSan)" ctest --test-dir build/asan --output-on-failure -j 2 || failed=1
run_suite "node:test (WASM)" node --test tests/node/ || failed=1
# The threaded engine (built above): the kernel-heavy suites on 2 threads. It must load
# (core.js refuses one whose wasm exceptions lose their type under -pthread, as clang 14's
# do without CMake's WL_WASM_EH_TLS_FIX; the warning says why).
if [ "$(node --input-type=module -e "import * as tf from './dist/wasm-layers.lazy.mjs'; tf.setThreadsCount(2);
      await tf.ready(); console.log(tf.getThreadsCount())" | tail -n 1)" = 2 ]; then
  run_suite "node:test (threaded engine, 2 threads: ops, conv, training)" env WL_TEST_THREADS=2 \
    node --test tests/node/ops_parity.test.mjs tests/node/conv_parity.test.mjs tests/node/layers_conv.test.mjs \
    tests/node/training.test.mjs || failed=1
else
  summary+=("node:test (threaded engine): FAILED, dist/wasm-layers-mt.* does not load (see the warning above)")
  failed=1
fi
# The same suites on a test backend that keeps its data in its own memory and reads
# asynchronously (core/test_backend.h): every op, model, fit, save/load through the seam.
run_suite "node:test (cpu-async test backend)" env WL_TEST_BACKEND=cpu-async node --test tests/node/ || failed=1
run_suite "browser (Chromium)" node --test tests/browser/ || failed=1
run_suite "package (npm pack)" bash scripts/test-package.sh || failed=1

echo
echo "== test summary"
printf '  %s\n' "${summary[@]}"
exit $failed
