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
  libdnnl-dev libopenblas-dev
  pkg-config
  python3-onnx
  chromium
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

# Configures build directory $1 once (Release, ccache when present), with
# the cmake arguments after it.
kite_configure() {
  local dir=$1
  shift
  [ -f "$dir/build.ninja" ] && return 0
  kite_log "configuring ${dir#"$KITE_ROOT"/}/"
  local launcher=()
  command -v ccache >/dev/null && launcher=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache)
  cmake -S "$KITE_ROOT" -B "$dir" -G Ninja -DCMAKE_BUILD_TYPE=Release "$@" \
    "${launcher[@]}" >/dev/null
}

# Configures once, then builds incrementally.
kite_build() {
  kite_configure "$KITE_BUILD"
  export CCACHE_BASEDIR=$KITE_ROOT
  kite_log "building (ninja -C build)"
  cmake --build "$KITE_BUILD" -- --quiet
}

# The sanitized build (ASan + UBSan, -DKITE_SANITIZE=ON) in build-asan/;
# builds the given targets, or everything.
KITE_BUILD_ASAN=$KITE_ROOT/build-asan
export ASAN_OPTIONS=${ASAN_OPTIONS:-allow_user_poisoning=0:detect_leaks=0}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
kite_build_sanitized() {
  kite_configure "$KITE_BUILD_ASAN" -DCMAKE_CXX_FLAGS_RELEASE="-O1 -DNDEBUG" \
    -DKITE_SANITIZE=ON
  export CCACHE_BASEDIR=$KITE_ROOT
  kite_log "building sanitized ${*:-everything} (ninja -C build-asan)"
  cmake --build "$KITE_BUILD_ASAN" ${1:+--target "$@"} -- --quiet
}
