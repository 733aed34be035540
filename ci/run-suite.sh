#!/usr/bin/env bash
# README command 1: install what is missing, build, run the built-in guest's full suite under irqlab.
# Extra arguments go to irqlab (e.g. --cpus 4, --irqchip split, --format json).
set -euo pipefail
cd "$(dirname "$0")/.."
. ci/deps.sh
irqlab_install_deps
irqlab_build build
exec build/host/irqlab "$@"
