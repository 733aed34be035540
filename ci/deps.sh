#!/usr/bin/env bash
# Install the Debian packages irqlab needs, only those missing (no network when all are there).
# Sourced by ci/run-suite.sh and ci/test.sh; run alone it just installs.
set -euo pipefail

IRQLAB_PACKAGES=(
  meson ninja-build gcc clang lld nasm binutils python3   # build: host (gcc), guest (clang+lld+nasm)
  qemu-system-x86 ovmf gnu-efi                            # reference platforms (QEMU, UEFI)
  scdoc python3-yaml                                      # irqlab(1); the CI recipes' test
  python3-jsonschema                                      # JSON results against docs/results.schema.json
  libseccomp-dev libcap-ng-dev pkg-config                 # the host's sandbox (docs/security.md)
  libclang-rt-dev                                         # libFuzzer + sanitizer runtimes for clang (fuzz/)
  python3-matplotlib librsvg2-bin                         # bench plots (SVG) and their test
)

irqlab_install_deps() {
  local missing=() pkg sudo=""
  for pkg in "${IRQLAB_PACKAGES[@]}"; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  [ "$(id -u)" -eq 0 ] || sudo=sudo
  echo "irqlab: installing ${missing[*]}" >&2
  $sudo apt-get update -q >/dev/null
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -q --no-install-recommends "${missing[@]}" >/dev/null
}

irqlab_build() {  # irqlab_build BUILDDIR [meson options...]
  local dir=$1; shift
  [ -f "$dir/build.ninja" ] || meson setup "$dir" "$@" >/dev/null
  ninja -C "$dir" >/dev/null
}

if [ "${BASH_SOURCE[0]}" = "$0" ]; then
  irqlab_install_deps
fi
