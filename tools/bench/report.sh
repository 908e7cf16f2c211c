#!/usr/bin/env bash
# Write the benchmark report of one `make bench` run: RUN/LINE-CLOCK.tsv
# (rows of tests/guest/bench, see its lib.sh) become OUT/report.md and
# OUT/plot.png, and the ratios with their flags are printed.
# Only ratios are reported: QEMU TCG distorts absolute speed.
# Usage: report.sh RUN_DIR OUT_DIR
set -euo pipefail

RUN='' OUT=''

# medians.awk: the statistics both tables use. Input: "LINE CLOCK ROW...".
stats_awk() {
	cat <<'AWK'
function sortn(a, n,    i, j, t) {
	for (i = 2; i <= n; i++)
		for (j = i; j > 1 && a[j - 1] > a[j]; j--) { t = a[j]; a[j] = a[j - 1]; a[j - 1] = t }
}
function median(s,    a, n) {
	n = split(s, a, " "); sortn(a, n)
	return n % 2 ? a[(n + 1) / 2] : (a[n / 2] + a[n / 2 + 1]) / 2
}
function minof(s,    a, n) { n = split(s, a, " "); sortn(a, n); return a[1] }
function maxof(s,    a, n) { n = split(s, a, " "); sortn(a, n); return a[n] }
function spread(s) { return sprintf("%.3f [%.3f–%.3f]", median(s), minof(s), maxof(s)) }
AWK
}

# rows: every row of the run, prefixed with its line and clock.
rows() {
	local f base
	for f in "$RUN"/*.tsv; do
		base=$(basename "$f" .tsv)
		awk -v l="${base%-*}" -v c="${base##*-}" '{ print l "\t" c "\t" $0 }' "$f"
	done
}

# Data path, per line and clock: ratios of paired rounds.
datapath_table() {
	rows | awk -F'\t' "$(stats_awk)"'
	$3 == "dp" && $6 != "absent" { pps[$1 SUBSEP $2 SUBSEP $4 SUBSEP $5] = $6; keys[$1 SUBSEP $2] = 1
		rounds[$1 SUBSEP $2 SUBSEP $5] = 1 }
	$3 == "dp" && $6 == "absent" { notcx[$1 SUBSEP $2] = 1 }
	END {
		print "| line | clock | ours/in-tree 1 filter | 8 filters | 64 filters | cls_bpf own cost ours/in-tree (1 filter) | clsact/no qdisc | tcx/ours (1 filter) | flags |"
		print "|---|---|---|---|---|---|---|---|---|"
		for (k in keys) {
			split(k, lc, SUBSEP); flags = ""
			for (n = 1; n <= 64; n *= 8) r[n] = ""
			own = ""; cls = ""; tcx = ""
			for (rk in rounds) {
				split(rk, x, SUBSEP)
				if (x[1] != lc[1] || x[2] != lc[2]) continue
				b = k SUBSEP
				for (n = 1; n <= 64; n *= 8)
					if ((b "ours-" n SUBSEP x[3]) in pps && (b "intree-" n SUBSEP x[3]) in pps)
						r[n] = r[n] " " pps[b "ours-" n SUBSEP x[3]] / pps[b "intree-" n SUBSEP x[3]]
				c = pps[b "clsact" SUBSEP x[3]]
				if (c && pps[b "ours-1" SUBSEP x[3]] && pps[b "intree-1" SUBSEP x[3]]) {
					o = 1e9 / pps[b "ours-1" SUBSEP x[3]] - 1e9 / c
					i = 1e9 / pps[b "intree-1" SUBSEP x[3]] - 1e9 / c
					if (i > 0) own = own " " o / i
				}
				if (c && pps[b "none" SUBSEP x[3]]) cls = cls " " c / pps[b "none" SUBSEP x[3]]
				if ((b "tcx" SUBSEP x[3]) in pps) tcx = tcx " " pps[b "tcx" SUBSEP x[3]] / pps[b "ours-1" SUBSEP x[3]]
			}
			line = "| " lc[1] " | " lc[2]
			for (n = 1; n <= 64; n *= 8) {
				line = line " | " (r[n] == "" ? "–" : spread(r[n]))
				if (r[n] != "" && median(r[n]) < 1)
					flags = flags sprintf(" %d-filter ratio below 1.00%s;", n, maxof(r[n]) >= 1 ? " (within spread)" : "")
			}
			line = line " | " (own == "" ? "–" : spread(own))
			if (own != "" && median(own) > 1)
				flags = flags sprintf(" own cost above in-tree%s;", minof(own) <= 1 ? " (within spread)" : "")
			line = line " | " (cls == "" ? "–" : spread(cls))
			line = line " | " (tcx != "" ? spread(tcx) : (k in notcx ? "no tcx" : "–"))
			print line " |" (flags == "" ? " ok" : flags) " |"
		}
	}' | sort_table
}

# Control plane (raw netlink and tc -batch): in-tree time / ours time per
# phase and size (a speed-up), and ours per operation at the largest size
# over the smallest (flatness).
control_table() {
	rows | awk -F'\t' "$(stats_awk)"'
	$3 == "cp" {
		k = $1 SUBSEP $2 SUBSEP $5 SUBSEP $6 SUBSEP $8
		t[k SUBSEP $4 SUBSEP $7] = t[k SUBSEP $4 SUBSEP $7] " " $10 / $11
		keys[k] = 1; sizes[$7] = 1
	}
	END {
		ns = 0
		for (s in sizes) sz[++ns] = s + 0
		sortn(sz, ns)
		hdr = "| line | clock | client | handles | phase"
		for (i = 1; i <= ns; i++) hdr = hdr " | in-tree/ours at " sz[i]
		print hdr " | ours " sz[ns] "/" sz[1] " per op | flags |"
		sep = "|---|---|---|---|---"
		for (i = 1; i <= ns; i++) sep = sep "|---"
		print sep "|---|---|"
		for (k in keys) {
			split(k, x, SUBSEP); line = "| " x[1] " | " x[2] " | " x[3] " | " x[4] " | " x[5]; flags = ""
			for (i = 1; i <= ns; i++) {
				o = t[k SUBSEP "ours" SUBSEP sz[i]]; n = t[k SUBSEP "intree" SUBSEP sz[i]]
				if (o == "" || n == "") { line = line " | –"; continue }
				s = median(n) / median(o)
				line = line sprintf(" | %.3f", s)
				if (x[3] == "raw" && x[5] != "add" && x[5] != "get" && s < 1) flags = flags " slower than in-tree at " sz[i] ";"
				if (x[3] == "raw" && x[5] == "add" && sz[i] == 20000 && s < 10) flags = flags " add at 20000 below 10x;"
			}
			o1 = t[k SUBSEP "ours" SUBSEP sz[1]]; on = t[k SUBSEP "ours" SUBSEP sz[ns]]
			if (o1 != "" && on != "" && ns > 1) {
				f = median(on) / median(o1)
				line = line sprintf(" | %.2f", f)
				if (x[3] == "raw" && f > 1.25) flags = flags " not flat (> 1.25);"
			} else line = line " | –"
			print line " |" (flags == "" ? " ok" : flags) " |"
		}
	}' | sort_table
}

# Where an add's time goes (tests/guest/bench/30-add-profile): per module,
# the traced time of the last adds, as shares of rtnetlink_rcv_msg().
profile_table() {
	rows | awk -F'\t' '
	$3 == "prof" {
		k = $1 SUBSEP $2 SUBSEP $5
		u[k SUBSEP $4 SUBSEP $6] = $8; c[k SUBSEP $4 SUBSEP $6] = $7; keys[k] = 1
	}
	function share(k, p, tot) { return 100 * u[k SUBSEP p] / tot }
	END {
		print "| line | clock | filters | module | traced time per add (in-tree = 1) | cls_bpf_get | cls_bpf_change | tfilter_notify | rest of tc_new_tfilter | rtnetlink_rcv_msg outside tc_new_tfilter |"
		print "|---|---|---|---|---|---|---|---|---|---|"
		for (k in keys) {
			split(k, x, SUBSEP)
			ic = c[k SUBSEP "intree" SUBSEP "rtnetlink_rcv_msg"]
			ti = ic ? u[k SUBSEP "intree" SUBSEP "rtnetlink_rcv_msg"] / ic : 0
			for (m = 1; m <= 2; m++) {
				mod = m == 1 ? "intree" : "ours"
				km = k SUBSEP mod
				calls = c[km SUBSEP "rtnetlink_rcv_msg"]
				tot = u[km SUBSEP "rtnetlink_rcv_msg"]
				if (!calls || !tot) continue
				get = share(km, "tc_new_tfilter>cls_bpf_get", tot)
				chg = share(km, "tc_new_tfilter>cls_bpf_change", tot)
				ntf = share(km, "tc_new_tfilter>tfilter_notify", tot)
				new = share(km, "tc_new_tfilter", tot)
				printf "| %s | %s | %s | %s | %s | %.1f %% | %.1f %% | %.1f %% | %.1f %% | %.1f %% |\n",
					x[1], x[2], x[3], mod, ti ? sprintf("%.2f", tot / calls / ti) : "–",
					get, chg, ntf, new - get - chg - ntf, 100 - new
			}
		}
	}' | sort_table
}

# DKMS build time per line (RUN/build-times: LINE CLOCK STAGE SECONDS, one
# measurement per timed boot of the line), seconds: the boot whose whole
# build took longest.
build_table() {
	echo "| line | probe stage (s) | compile and link (s) | whole build (s) | flags |"
	echo "|---|---|---|---|---|"
	awk -F'\t' '
	{ v[$1 SUBSEP $2 SUBSEP $3] = $4; boots[$1 SUBSEP $2] = 1 }
	END {
		for (b in boots) {
			split(b, x, SUBSEP)
			if (!(x[1] in worst) || v[b SUBSEP "total"] > v[worst[x[1]] SUBSEP "total"])
				worst[x[1]] = b
		}
		for (l in worst) {
			b = worst[l]
			printf "| %s | %.1f | %.1f | %.1f | %s |\n", l, v[b SUBSEP "probes"],
				v[b SUBSEP "compile"], v[b SUBSEP "total"],
				(v[b SUBSEP "total"] > 60 ? "over 60 s" : "ok")
		}
	}' "$RUN/build-times" | sort -t'|' -k2,2V
}

# Header lines first, then the rows sorted by line (version order), clock...
sort_table() {
	local header
	IFS= read -r header
	echo "$header"
	IFS= read -r header
	echo "$header"
	sort -t'|' -k2,2V -k3,3 -k4,4 -k5,5 -k6,6
}

# plot_data: two gnuplot data files, one block per series.
#  dp.dat: filters -> per-packet cost relative to in-tree with 1 filter
#  cp.dat: filters -> raw-netlink add time per filter relative to in-tree at the smallest size
plot_data() {
	rows | awk -F'\t' -v dp="$OUT/.dp.dat" -v cp="$OUT/.cp.dat" "$(stats_awk)"'
	$2 == "icount" && $3 == "dp" && $6 != "absent" && $4 ~ /-/ {
		split($4, m, "-"); c[$1 SUBSEP m[1] SUBSEP m[2]] = c[$1 SUBSEP m[1] SUBSEP m[2]] " " 1e9 / $6
		lines[$1] = 1
	}
	$2 == "icount" && $3 == "cp" && $5 == "raw" && $6 == "explicit" && $8 == "add" {
		a[$1 SUBSEP $4 SUBSEP $7] = a[$1 SUBSEP $4 SUBSEP $7] " " $10 / $11; lines[$1] = 1
		if (!($7 in seen)) { seen[$7] = 1; sz[++ns] = $7 + 0 }
	}
	END {
		sortn(sz, ns)
		for (l in lines) for (mi = 1; mi <= 2; mi++) {
			mod = mi == 1 ? "intree" : "ours"; name = l " " (mi == 1 ? "in-tree" : "ours")
			base = c[l SUBSEP "intree" SUBSEP 1]
			if (base != "") {
				print "\"" name "\"" > dp
				for (n = 1; n <= 64; n *= 8)
					if (c[l SUBSEP mod SUBSEP n] != "") print n, median(c[l SUBSEP mod SUBSEP n]) / median(base) > dp
				print "\n" > dp
			}
			base = a[l SUBSEP "intree" SUBSEP sz[1]]
			if (base != "") {
				print "\"" name "\"" > cp
				for (i = 1; i <= ns; i++)
					if (a[l SUBSEP mod SUBSEP sz[i]] != "") print sz[i], median(a[l SUBSEP mod SUBSEP sz[i]]) / median(base) > cp
				print "\n" > cp
			}
		}
	}'
}

# blocks FILE: how many series FILE holds.
blocks() { grep -c '^"' "$1" 2>/dev/null || echo 0; }

plot() {
	local ndp ncp
	: >"$OUT/.dp.dat"
	: >"$OUT/.cp.dat"
	plot_data
	ndp=$(blocks "$OUT/.dp.dat")
	ncp=$(blocks "$OUT/.cp.dat")
	if [ "$ndp" = 0 ] && [ "$ncp" = 0 ]; then
		echo "report: nothing to plot" >&2
		return 0
	fi
	gnuplot <<GP
set terminal pngcairo size 1400,600 font ",10" noenhanced
set output "$OUT/plot.png"
set multiplot layout 1,2 title "cls_bpf: ours vs in-tree (QEMU -icount, medians; relative values only)"
set key outside right top
set grid
set logscale x 2
set xlabel "filters in one prio (the last one matches)"
set ylabel "per-packet cost / in-tree with 1 filter"
set title "data path (pktgen netif_receive into clsact ingress)"
plot for [i=0:$((ndp > 0 ? ndp - 1 : 0))] "$OUT/.dp.dat" index i using 1:2 with linespoints title columnheader(1)
set logscale x 10
set logscale y 10
set xlabel "filters"
set ylabel "add time per filter / in-tree at the smallest size"
set title "control plane: add N filters, raw netlink, explicit handles"
plot for [i=0:$((ncp > 0 ? ncp - 1 : 0))] "$OUT/.cp.dat" index i using 1:2 with linespoints title columnheader(1)
unset multiplot
GP
	rm -f "$OUT/.dp.dat" "$OUT/.cp.dat"
}

kernels() {
	local f
	for f in "$RUN"/*.krel; do
		[ -f "$f" ] || continue
		printf '%s %s; ' "$(basename "$f" .krel)" "$(cat "$f")"
	done
}

# clocks: the clocks of the run's rows, per line ("5.10 icount realtime; ...").
clocks() {
	local f base
	for f in "$RUN"/*.tsv; do
		base=$(basename "$f" .tsv)
		echo "${base%-*} ${base##*-}"
	done | awk '{ c[$1] = c[$1] " " $2 } END { for (l in c) print l c[l] }' | sort -V | paste -sd';' | sed 's/;/; /g'
}

main() {
	RUN=${1:?usage: report.sh RUN_DIR OUT_DIR}
	OUT=${2:?usage: report.sh RUN_DIR OUT_DIR}
	compgen -G "$RUN/*.tsv" >/dev/null || { echo "report: no results in $RUN" >&2; return 1; }
	mkdir -p "$OUT"
	cp "$RUN"/*.tsv "$OUT/"
	[ ! -s "$RUN/build-times" ] || cp "$RUN/build-times" "$OUT/build-times.tsv"
	{
		echo "# Benchmark report, $(basename "$OUT")"
		echo
		echo "Run: $(cat "$RUN/info" 2>/dev/null || echo unknown). Kernels: $(kernels)"
		echo
		echo "Clocks measured in this run: $(clocks)."
		echo
		echo "Every figure is a ratio of two configurations measured in the same VM boot"
		echo "(ours and in-tree alternate which goes first in each round): median [min–max]"
		echo "over the rounds. \`icount\`: QEMU -icount shift=0,sleep=off, guest time counts"
		echo "executed instructions, so the ratios do not depend on host load; \`realtime\`:"
		echo "TCG in real time on a loaded 2-core host (expect ±30 % per round). Both boots"
		echo "run one vCPU without slub_debug or KFENCE. Raw rows are in the .tsv files."
		echo
		echo "## Data path"
		echo
		echo "pps ratios (> 1: ours faster); own cost = per-packet time above clsact"
		echo "without filters (< 1: ours cheaper); target: ratios ≥ 1.00, own cost ≤ 1.00."
		echo
		datapath_table
		echo
		echo "## Control plane"
		echo
		echo "in-tree time / ours time per phase (> 1: ours faster); the last column is ours'"
		echo "per-operation time at the largest size over the smallest (1.00: flat). Targets"
		echo "(raw netlink, which shows the kernel's cost; tc rows are mostly tc's own"
		echo "parsing and are not flagged): add 20k ≥ 10x, flat within 1.25,"
		echo "dump/replace/delete ≥ 1.00."
		echo "get: 1,000 gets spread over the table; dump ratio per filter."
		echo
		control_table
		echo
		echo "## Where an add's time goes"
		echo
		echo "The raw client's last 1,000 adds into a table of the largest size, traced with"
		echo "function_graph from rtnetlink_rcv_msg() (tests/guest/bench/30-add-profile):"
		echo "shares of that function's time. Traced times include the tracer's own cost"
		echo "per call; 0.0 % where the kernel inlined the function into its caller."
		echo "cls_bpf_get and cls_bpf_change are the classifier's; the rest is the core's."
		echo
		if rows | awk -F'\t' '$3 == "prof" { f = 1 } END { exit !f }'; then
			profile_table
		else
			echo "(not measured in this run)"
		fi
		echo
		echo "## DKMS build time"
		echo
		echo "The build stage of the -icount boots builds the DKMS tree again as dkms does"
		echo "(make -jNPROC on the host), from clean and then with only the core touched:"
		echo "the probe stage is the difference. Measured while the previous kernel's VM"
		echo "runs, so these are upper bounds. Target: ≤ 60 s per kernel."
		echo
		if [ -s "$RUN/build-times" ]; then build_table; else echo "(not measured in this run)"; fi
		echo
		echo "![plot](plot.png)"
	} >"$OUT/report.md"
	plot
	echo "report: $OUT/report.md"
	grep -E '^\| [0-9]' "$OUT/report.md" | grep -E 'below|slower|not flat|above|over 60 s' |
		sed 's/^/report: FLAG /' || true
}

main "$@"
