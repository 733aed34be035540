#!/usr/bin/env bash
# README command 2: install what is missing, build, run every test (unit, end-to-end, bad guests,
# multiboot, QEMU TCG/KVM and OVMF, lint), then the host's tests again under ASan+UBSan, then
# every fuzz target for $IRQLAB_FUZZ_SECONDS (default 60) each, two at a time (~4 min; a crash
# fails CI, docs/fuzzing.md), and close with one summary line. .ci/run calls this.
set -euo pipefail
cd "$(dirname "$0")/.."
. ci/deps.sh
irqlab_install_deps
irqlab_build build
status=0
meson test -C build --print-errorlogs "$@" || status=1
bash ci/asan.sh || status=1
FUZZ_JOBS=2 bash fuzz/run.sh "${IRQLAB_FUZZ_SECONDS:-60}" || status=1
python3 ci/summary.py build build-asan || status=1
exit $status
