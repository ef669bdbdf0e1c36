#!/usr/bin/env bash
# Installs everything gaterig needs on Debian bookworm and builds it. Safe to re-run:
# packages already present are not asked for again, and the build is incremental.
#   ./setup.sh            install + configure + build (Release) into build/
#   ./setup.sh --deps     install only
# Environment: BUILD_DIR (default build), CMAKE_BUILD_TYPE (default Release).
set -euo pipefail
cd "$(dirname "$0")"

PACKAGES=(
  # toolchain
  build-essential cmake ninja-build ccache pkg-config git
  # libraries
  libboost-dev libssl-dev libsqlite3-dev libtomlplusplus-dev nlohmann-json3-dev libcli11-dev
  libgpiod-dev libmodbus-dev libopencv-dev libopencv-contrib-dev opencv-data
  # tests and benchmarks
  libgtest-dev libgmock-dev googletest libbenchmark-dev clang libclang-rt-14-dev
  pybind11-dev python3-dev python3-pytest python3-numpy python3-cryptography
  nginx-light wrk xvfb sqlite3 poppler-utils
)
# npm (for the face models shipped as an npm package) comes from Debian only where the machine
# has no node of its own: Debian's npm conflicts with a newer node already installed.
command -v npm >/dev/null 2>&1 || PACKAGES+=(nodejs npm)

missing=()
for p in "${PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "setup: installing ${missing[*]}"
  SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO=sudo
  export DEBIAN_FRONTEND=noninteractive
  $SUDO apt-get update -qq
  $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
# nginx must not keep a server running on port 80 just because the package was installed.
if command -v systemctl >/dev/null && systemctl is-active --quiet nginx 2>/dev/null; then systemctl stop nginx || true; fi

[ "${1:-}" = "--deps" ] && exit 0

BUILD_DIR=${BUILD_DIR:-build}
BUILD_TYPE=${CMAKE_BUILD_TYPE:-Release}
if [ ! -f "$BUILD_DIR/build.ninja" ]; then
  cmake -S . -B "$BUILD_DIR" -G Ninja -DCMAKE_BUILD_TYPE="$BUILD_TYPE" \
        -DPython3_EXECUTABLE=/usr/bin/python3
fi
cmake --build "$BUILD_DIR" -j"$(nproc)"
echo "setup: built into $BUILD_DIR/ (gaterig: $BUILD_DIR/gaterig)"
