# Shared set-up for scripts/test and scripts/demo: install what is missing
# (Debian packages only), then configure and build into build/.
# Sourced, not run.

KITE_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
KITE_BUILD=$KITE_ROOT/build
LLVM_BIN=/usr/lib/llvm-22/bin

# Everything the build, the tests and the demo need from Debian.
KITE_PACKAGES=(
  cmake ninja-build g++ python3 ccache
  libmlir-22-dev mlir-22-tools llvm-22-dev llvm-22-tools libzstd-dev
  libgtest-dev libbenchmark-dev
  libonnx-dev libprotobuf-dev libonnx-testdata libeigen3-dev libzip-dev zlib1g-dev
  pkg-config
  python3-onnx
)

kite_log() { printf 'kite: %s\n' "$*" >&2; }

# Installs the packages that are not installed yet; silent when none are.
kite_install_deps() {
  local missing=() pkg
  for pkg in "${KITE_PACKAGES[@]}"; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" ||
      missing+=("$pkg")
  done
  ((${#missing[@]})) || return 0
  local sudo=
  [ "$(id -u)" -eq 0 ] || sudo=sudo
  kite_log "installing ${missing[*]}"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq \
    --no-install-recommends "${missing[@]}" >/dev/null
}

# Configures once, then builds incrementally.
kite_build() {
  if [ ! -f "$KITE_BUILD/build.ninja" ]; then
    kite_log "configuring build/"
    local launcher=()
    command -v ccache >/dev/null && launcher=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache)
    cmake -S "$KITE_ROOT" -B "$KITE_BUILD" -G Ninja -DCMAKE_BUILD_TYPE=Release \
      "${launcher[@]}" >/dev/null
  fi
  export CCACHE_BASEDIR=$KITE_ROOT
  kite_log "building (ninja -C build)"
  cmake --build "$KITE_BUILD" -- --quiet
}
