#!/usr/bin/env bash
# README command 2: install what is missing, build, run every test (unit, end-to-end, bad guests,
# multiboot, QEMU TCG/KVM and OVMF, lint), then the host's tests again under ASan+UBSan and under
# TSan, then every fuzz target for $IRQLAB_FUZZ_SECONDS (default 60) each, two at a time (~4 min;
# a crash fails CI, docs/fuzzing.md), then a short loaded soak (ci/soak.sh: a flaky test fails
# CI), and close with one summary line. .ci/run calls this. The QEMU TCG and OVMF runs are
# required here: a missing QEMU, OVMF or gnu-efi fails them instead of skipping (they alone catch
# what this KVM hides, e.g. a missing EOI).
set -euo pipefail
cd "$(dirname "$0")/.."
. ci/deps.sh
irqlab_install_deps
irqlab_build build
export IRQLAB_REQUIRE_QEMU=1
status=0
meson test -C build --print-errorlogs "$@" || status=1
bash ci/asan.sh || status=1
bash ci/tsan.sh || status=1
FUZZ_JOBS=2 bash fuzz/run.sh "${IRQLAB_FUZZ_SECONDS:-60}" || status=1
bash ci/soak.sh -n 20 -t 90 || status=1
python3 ci/summary.py build build-asan build-tsan || status=1
exit $status
