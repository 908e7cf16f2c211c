#!/usr/bin/env bash
# The core's diff against its recorded upstream base (src/UPSTREAM) has only
# the deliberate hunks of src/upstream-diff.allowed. Against the base, not the
# newest upstream, so that a new upstream release cannot fail lint; `make
# upstream-diff` checks the newest.
set -euo pipefail

exec bash "$(dirname "$0")/../../../tools/upstream-diff.sh" --base --quiet
