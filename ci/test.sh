#!/usr/bin/env bash
# README command 2: install what is missing, build, run every test (unit, end-to-end, bad guests),
# then the same tests with the host built under ASan+UBSan. .ci/run calls this.
set -euo pipefail
cd "$(dirname "$0")/.."
. ci/deps.sh
irqlab_install_deps
irqlab_build build
meson test -C build --print-errorlogs "$@"
bash ci/asan.sh
