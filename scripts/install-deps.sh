#!/usr/bin/env bash
# Installs what the build and the tests need, only where it is missing, and says so:
#   Debian packages: cmake, g++, make, GoogleTest, nlohmann-json, SIMDe,
#                    Emscripten (the WebAssembly compiler), Chromium (browser tests),
#                    XNNPACK + pthreadpool (the native xnnpack backend and the GEMM bench),
#                    EGL + OpenGL ES + Mesa (llvmpipe): the native webgl backend's tests
#                    run on a surfaceless EGL context, no display or GPU needed
#   npm devDependencies (node_modules): @tensorflow/tfjs (the test oracle),
#                    esbuild (bundles dist/), playwright-core (drives Chromium),
#                    webpack and vite (the packaging test builds browser apps with them)
# Needs root or sudo for apt-get. Safe to run again: it does nothing when all is there.
set -euo pipefail
cd "$(dirname "$0")/.."

PACKAGES=(cmake g++ make libgtest-dev nlohmann-json3-dev libsimde-dev emscripten chromium libxnnpack-dev libpthreadpool-dev
          libegl-dev libgles-dev libegl-mesa0 libgl1-mesa-dri)
missing=()
for p in "${PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "== install-deps: installing Debian packages: ${missing[*]}"
  SUDO=""
  [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${missing[@]}"
else
  echo "== install-deps: Debian packages present (${PACKAGES[*]})"
fi

command -v node > /dev/null || { echo "install-deps: Node.js is required (>= 18)" >&2; exit 1; }

# node_modules is current when npm's own record of the install is newer than the lockfile.
if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  echo "== install-deps: installing npm devDependencies (npm ci)"
  npm ci --no-audit --no-fund
else
  echo "== install-deps: node_modules is up to date"
fi
