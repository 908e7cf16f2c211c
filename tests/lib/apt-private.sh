#!/usr/bin/env bash
# Run an apt command against another Debian suite with a private configuration
# (own sources, lists, cache and status), for downloads only: the machine's own
# apt sources are never touched. Usage: apt-private.sh SUITE apt-get ARGS...
set -euo pipefail
# shellcheck source=tests/lib/common.sh
. "$(dirname "$0")/common.sh"

setup_config() {
	local suite=$1 dir=$2 main
	main=$("$REPO_DIR/tests/lib/mirror.sh" main)
	mkdir -p "$dir/lists/partial" "$dir/cache/archives/partial" "$dir/parts"
	: >"$dir/status"
	case "$suite" in
	experimental) printf 'deb %s sid main\ndeb %s experimental main\n' "$main" "$main" ;;
	*) printf 'deb %s %s main\n' "$main" "$suite" ;;
	esac >"$dir/sources.list"
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
	local suite=${1:?usage: apt-private.sh SUITE apt-get ARGS...} dir
	shift
	dir=$CACHE_DIR/apt-private/$suite
	setup_config "$suite" "$dir"
	if [ -z "$(find "$dir/lists" -name '*Packages*' -mmin -720 2>/dev/null | head -n 1)" ]; then
		APT_CONFIG=$dir/apt.conf apt-get update -q >/dev/null
	fi
	APT_CONFIG=$dir/apt.conf "$@"
}

main "$@"
