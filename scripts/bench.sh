#!/usr/bin/env bash
# npm run bench: the benchmark table of bench/run.mjs (see bench/README.md).
# Builds nothing except: the WASM package when dist/ is missing, and the small native
# GEMM benchmark (bench/gemm_bench.cc, g++ -O3 -march=native) beside XNNPACK's.
# Extra arguments go to bench/run.mjs (e.g. --quick, --only=mlp-fit,gemm).
set -euo pipefail
cd "$(dirname "$0")/.."

if [ ! -f dist/wasm-layers.mjs ] || [ ! -f dist/wasm-layers.wasm ]; then
  echo "dist/ is missing: building the WASM package (scripts/build.sh)" >&2
  bash scripts/build.sh
fi

# Native XNNPACK (Debian) for the GEMM comparison; installed only when missing.
if [ ! -f /usr/include/xnnpack.h ] && command -v apt-get >/dev/null 2>&1 && [ "$(id -u)" = 0 ]; then
  echo "installing libxnnpack-dev libpthreadpool-dev for the native GEMM comparison" >&2
  (DEBIAN_FRONTEND=noninteractive apt-get install -y libxnnpack-dev libpthreadpool-dev >/dev/null 2>&1 ||
   (apt-get update >/dev/null 2>&1 && DEBIAN_FRONTEND=noninteractive apt-get install -y libxnnpack-dev libpthreadpool-dev >/dev/null 2>&1)) ||
    echo "could not install XNNPACK: its native GEMM is skipped" >&2
fi

native_out=""
simde_dir=""
for d in /usr/include /usr/local/include; do [ -f "$d/simde/wasm/simd128.h" ] && simde_dir=$d && break; done
if command -v g++ >/dev/null 2>&1 && [ -n "$simde_dir" ]; then
  bin=build/bench/gemm_bench
  mkdir -p build/bench
  srcs=(bench/gemm_bench.cc cpp/kernels/wasm/gemm.cc cpp/core/thread_pool.cc cpp/kernels/reference/copy.cc cpp/core/kernel_registry.cc cpp/core/backend.cc cpp/core/kernel_cache.cc cpp/core/dispatch.cc cpp/core/tensor.cc)
  flags=(-std=c++17 -O3 -march=native -DNDEBUG -Icpp -I"$simde_dir")
  built=0
  if [ -f /usr/include/xnnpack.h ] &&
     g++ "${flags[@]}" -DWL_HAVE_XNNPACK "${srcs[@]}" -o "$bin" -lXNNPACK -lpthreadpool -lpthread 2>build/bench/xnnpack-build.log; then
    built=1
  elif g++ "${flags[@]}" "${srcs[@]}" -o "$bin" -lpthread 2>build/bench/build.log; then
    built=1
  else
    echo "bench/gemm_bench.cc failed to build (build/bench/build.log): native GEMM skipped" >&2
  fi
  if [ "$built" = 1 ]; then
    native_out=build/bench/gemm_native.tsv
    "$bin" >"$native_out" || native_out=""
  fi
fi

exec node bench/run.mjs ${native_out:+--gemm-native=$native_out} "$@"
