#!/usr/bin/env bash
# Print the Debian archive URIs this machine's apt uses, so no host name is
# ever written into the repository. Usage: mirror.sh main|security
set -euo pipefail

host_codename() {
	. /etc/os-release
	printf '%s\n' "${VERSION_CODENAME:?no VERSION_CODENAME in /etc/os-release}"
}

# Emit "URI SUITE" pairs from deb822 .sources files and one-line sources.list.
apt_entries() {
	local f
	for f in /etc/apt/sources.list.d/*.sources; do
		[ -e "$f" ] || continue
		awk '
			function flush() { if (uri != "" && suites != "") { n = split(suites, s, " "); split(uri, u, " "); for (i = 1; i <= n; i++) print u[1], s[i] } uri = ""; suites = "" }
			/^[[:space:]]*$/ { flush(); next }
			/^URIs:/ { sub(/^URIs:[[:space:]]*/, ""); uri = $0 }
			/^Suites:/ { sub(/^Suites:[[:space:]]*/, ""); suites = $0 }
			END { flush() }' "$f"
	done
	for f in /etc/apt/sources.list /etc/apt/sources.list.d/*.list; do
		[ -e "$f" ] || continue
		awk '$1 == "deb" { i = 2; if ($2 ~ /^\[/) { while ($i !~ /\]$/) i++; i++ } print $i, $(i + 1) }' "$f"
	done
}

main() {
	local want=${1:?usage: mirror.sh main|security} codename uri suite
	codename=$(host_codename)
	while read -r uri suite; do
		case "$want:$suite" in
		main:"$codename") printf '%s\n' "${uri%/}"; return 0 ;;
		security:"$codename"-security|security:"$codename"/updates)
			printf '%s\n' "${uri%/}"; return 0 ;;
		esac
	done < <(apt_entries)
	echo "mirror.sh: no apt source for '$codename' ($want) found in /etc/apt" >&2
	return 1
}

main "$@"
