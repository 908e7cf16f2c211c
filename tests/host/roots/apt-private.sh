#!/usr/bin/env bash
# Run an apt command against a kernel line's suites (tests/kernels.list) with a
# private configuration (own sources, lists, cache and status), for downloads
# only: the machine's own apt sources are never touched.
# Usage: apt-private.sh LINE apt-get ARGS...
set -euo pipefail
# shellcheck source=tests/host/lib.sh
. "$(dirname "$0")/../lib.sh"

setup_config() {
	local line=$1 dir=$2 root_suite kernel_suite
	read -r root_suite kernel_suite < <(kernel_suites "$line")
	mkdir -p "$dir/lists/partial" "$dir/cache/archives/partial" "$dir/parts"
	: >"$dir/status"
	suite_sources "$("$HOST_DIR/roots/mirror.sh" main)" "$root_suite" "$kernel_suite" >"$dir/sources.list"
	cat >"$dir/apt.conf" <<CONF
Dir::Etc::SourceList "$dir/sources.list";
Dir::Etc::SourceParts "$dir/parts";
Dir::State::Lists "$dir/lists";
Dir::State::status "$dir/status";
Dir::Cache "$dir/cache";
Acquire::Check-Valid-Until "false";
CONF
}

main() {
	local line=${1:?usage: apt-private.sh LINE apt-get ARGS...} dir
	shift
	dir=$CACHE_DIR/apt-private/$line
	setup_config "$line" "$dir"
	if [ -z "$(find "$dir/lists" -name '*Packages*' -mmin -720 2>/dev/null | head -n 1)" ]; then
		APT_CONFIG=$dir/apt.conf apt-get update -q >/dev/null
	fi
	APT_CONFIG=$dir/apt.conf "$@"
}

main "$@"
