#!/usr/bin/env bash
# Builds everything: the native engine + GoogleTest suites (build/native), the
# WebAssembly engine (build/wasm), and the JS bundles in dist/.
# Usage: scripts/build.sh [native|wasm|wasm-mt|js|wasm-relaxed|wasm-xnnpack]...   (default: native wasm wasm-mt js;
# wasm-mt is the threaded engine in build/wasm-mt, shipped beside the single-thread one;
# wasm-xnnpack, not a default, adds backend xnnpack: build/wasm-xnnpack -> dist-xnnpack/;
# wasm-relaxed, not a default, the relaxed-SIMD engine: build/wasm-relaxed -> dist-relaxed/)
set -euo pipefail
cd "$(dirname "$0")/.."
export NODE_PATH=${NODE_PATH:-/usr/share/nodejs}  # Debian's emscripten tools need it
jobs=$(nproc 2>/dev/null || echo 2)
targets=("$@")
[ ${#targets[@]} -eq 0 ] && targets=(native wasm wasm-mt js)

for t in "${targets[@]}"; do
  case "$t" in
    native)
      echo "== build: native engine and tests (build/native)"
      cmake -S . -B build/native -DCMAKE_BUILD_TYPE=Release > /dev/null
      cmake --build build/native -j "$jobs"
      ;;
    wasm)
      echo "== build: WebAssembly engine (build/wasm)"
      emcmake cmake -S . -B build/wasm -DCMAKE_BUILD_TYPE=Release > /dev/null
      cmake --build build/wasm -j "$jobs"
      ;;
    wasm-mt)
      # The threaded engine (build/wasm-mt, a second full build; js/ ships it in dist/,
      # and Node / crossOriginIsolated pages load it).
      echo "== build: threaded WebAssembly engine (build/wasm-mt)"
      emcmake cmake -S . -B build/wasm-mt -DCMAKE_BUILD_TYPE=Release -DWL_THREADS=ON > /dev/null
      cmake --build build/wasm-mt -j "$jobs"
      ;;
    wasm-relaxed)
      # The single-thread engine with relaxed SIMD's fused multiply-add in the GEMM and
      # depthwise kernels (WL_RELAXED_SIMD): build/wasm-relaxed -> dist-relaxed/. It runs
      # where relaxed SIMD does (Chromium 114+, Node 22+, Node 20 with
      # --experimental-wasm-relaxed-simd); results differ from the reference in the last bits.
      echo "== build: WebAssembly engine with relaxed SIMD (build/wasm-relaxed -> dist-relaxed/)"
      emcmake cmake -S . -B build/wasm-relaxed -DCMAKE_BUILD_TYPE=Release -DWL_RELAXED_SIMD=ON > /dev/null
      cmake --build build/wasm-relaxed -j "$jobs"
      [ -d node_modules/esbuild ] || npm install --no-audit --no-fund
      WL_WASM_BUILD=build/wasm-relaxed WL_DIST=dist-relaxed node js/build.mjs
      ;;
    wasm-xnnpack)
      # The single-thread engine with backend xnnpack, XNNPACK built from source (not in this
      # repository): WL_XNNPACK_DEPS_DIR names a folder with XNNPACK/, pthreadpool/ (google's),
      # FXdiv/ and cpuinfo/ (README.md says how to get them). Its own bundles go to dist-xnnpack/.
      : "${WL_XNNPACK_DEPS_DIR:?set WL_XNNPACK_DEPS_DIR to the folder with XNNPACK, pthreadpool, FXdiv, cpuinfo}"
      echo "== build: WebAssembly engine with XNNPACK (build/wasm-xnnpack -> dist-xnnpack/)"
      emcmake cmake -S . -B build/wasm-xnnpack -DCMAKE_BUILD_TYPE=Release \
        -DWL_XNNPACK_DEPS_DIR="$WL_XNNPACK_DEPS_DIR" > /dev/null
      cmake --build build/wasm-xnnpack -j "$jobs"
      [ -d node_modules/esbuild ] || npm install --no-audit --no-fund
      WL_WASM_BUILD=build/wasm-xnnpack WL_DIST=dist-xnnpack node js/build.mjs
      ;;
    js)
      echo "== build: JS bundles (dist/)"
      [ -d node_modules/esbuild ] || npm install --no-audit --no-fund
      node js/build.mjs
      ;;
    *) echo "unknown build target: $t" >&2; exit 2 ;;
  esac
done
