#!/usr/bin/env bash
# Figures of one kernel's fault-injection sweep (tests/guest/faults), from
# its guest logs, as one row: per kind of request, the failures injected and
# the classifier's own among them with an extack message ("cbpf-add 18 inj,
# own 11/11 with message").
# Usage: faults-figures.sh RESULTS_DIR     (prints "-" when there is none)
set -euo pipefail

main() {
	local dir=${1:?usage: faults-figures.sh RESULTS_DIR}/logs/faults/10-sweep.log.d
	compgen -G "$dir/failnth-*.log" >/dev/null || { echo -; return 0; }
	sed -nE "s/^failnth ([a-z-]+): runs [0-9]+, injected ([0-9]+), .* classifier's own ([0-9]+) \(with message ([0-9]+)\)/\1 \2 inj, own \4\/\3 with message/p" \
		"$dir"/failnth-*.log | paste -sd ';' | sed 's/;/; /g'
}

main "$@"; exit
