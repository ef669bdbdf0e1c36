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
  libx11-dev  # the simulated terminal's X11 camera (optional: built when found)
  libcairo2-dev libpango1.0-dev fonts-noto-cjk  # report.pdf: cairo + Pango, Chinese labels (gaterig report)
  # tests and benchmarks
  libgtest-dev libgmock-dev googletest libbenchmark-dev clang libclang-rt-14-dev
  pybind11-dev python3-dev python3-pytest python3-numpy python3-cryptography
  python3-opencv  # tools/foreign_terminal: an independent terminal (YuNet + the embedder in cv2)
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

# ---- face models (fixtures/face): npm package faceplugin-face-recognition-js@0.0.1 -------------
# Only its .onnx files are used (fr_feature = 512-D embedder, fr_liveness), so the package tarball
# is fetched with `npm pack` (npm checks the registry's integrity hash) and unpacked where
# `npm install` would put it; its ~670 JavaScript build dependencies are not needed. The two
# models are then checked against the hashes observed when this block was written.
FACE_NPM_PKG=faceplugin-face-recognition-js
FACE_NPM_VERSION=0.0.1
FACE_NPM_DIR=third_party/npm/node_modules/$FACE_NPM_PKG
declare -A FACE_MODEL_SHA256=(
  [fr_feature.onnx]=87aacdfe57510db2af90c0251df680e8eec88f122ee94712121d09bcaaaf3581
  [fr_liveness.onnx]=afa783b7e902fdfcf323a7240cac2a1c580c25314ea4161129dc1b0d100dc32d
)
face_models_ok() {
  local f
  for f in "${!FACE_MODEL_SHA256[@]}"; do
    [ -f "$FACE_NPM_DIR/model/$f" ] || return 1
    [ "$(sha256sum "$FACE_NPM_DIR/model/$f" | cut -d' ' -f1)" = "${FACE_MODEL_SHA256[$f]}" ] || return 1
  done
}
if ! face_models_ok; then
  echo "setup: fetching face models ($FACE_NPM_PKG@$FACE_NPM_VERSION) into $FACE_NPM_DIR"
  command -v npm >/dev/null 2>&1 || { echo "setup: ERROR: npm not found; it is needed for the face models" >&2; exit 1; }
  face_tmp=$(mktemp -d)
  if ! (cd "$face_tmp" && npm pack --silent --no-fund --no-audit "$FACE_NPM_PKG@$FACE_NPM_VERSION" >/dev/null); then
    rm -rf "$face_tmp"
    echo "setup: ERROR: could not fetch $FACE_NPM_PKG@$FACE_NPM_VERSION from the npm registry" \
         "($(npm config get registry 2>/dev/null)); the face embedder needs it. Check the network" \
         "or the npm proxy settings and re-run ./setup.sh" >&2
    exit 1
  fi
  rm -rf "$FACE_NPM_DIR" && mkdir -p "$FACE_NPM_DIR"
  tar -xzf "$face_tmp"/"$FACE_NPM_PKG"-"$FACE_NPM_VERSION".tgz -C "$FACE_NPM_DIR" --strip-components=1
  rm -rf "$face_tmp"
  if ! face_models_ok; then
    for f in "${!FACE_MODEL_SHA256[@]}"; do
      echo "setup: $FACE_NPM_DIR/model/$f: sha256 $(sha256sum "$FACE_NPM_DIR/model/$f" 2>/dev/null | cut -d' ' -f1 || echo missing), expected ${FACE_MODEL_SHA256[$f]}" >&2
    done
    echo "setup: ERROR: the face models do not match their recorded hashes" >&2
    exit 1
  fi
fi

[ "${1:-}" = "--deps" ] && exit 0

BUILD_DIR=${BUILD_DIR:-build}
BUILD_TYPE=${CMAKE_BUILD_TYPE:-Release}
if [ ! -f "$BUILD_DIR/build.ninja" ]; then
  cmake -S . -B "$BUILD_DIR" -G Ninja -DCMAKE_BUILD_TYPE="$BUILD_TYPE" \
        -DPython3_EXECUTABLE=/usr/bin/python3
fi
cmake --build "$BUILD_DIR" -j"$(nproc)"
echo "setup: built into $BUILD_DIR/ (gaterig: $BUILD_DIR/gaterig)"
