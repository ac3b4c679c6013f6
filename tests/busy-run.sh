#!/bin/sh
# SPDX-License-Identifier: ISC
#
# busy-run: run a command while busy loops occupy every core, as on a
# loaded CI runner or user machine. Tests that wait for a time or a number
# of blocks instead of a condition fail here (docs/testing.md, "Tests that
# hold under load").
#
#   sh tests/busy-run.sh ./waf test
#   BUSY_LOOPS=4 BUSY_REPEAT=5 sh tests/busy-run.sh ./waf test
#
# BUSY_LOOPS: busy loops (default: one per core); BUSY_REPEAT: runs of the
# command in a row (default 1), stopping at the first that fails, whose
# exit status is returned.
set -u
[ $# -ge 1 ] || { echo "usage: busy-run.sh COMMAND [ARGS...]" >&2; exit 2; }
n=${BUSY_LOOPS:-$(nproc)}
reps=${BUSY_REPEAT:-1}
pids=""
i=0
while [ "$i" -lt "$n" ]; do
	( while :; do :; done ) &
	pids="$pids $!"
	i=$((i + 1))
done
# shellcheck disable=SC2086 # the list of pids is split on purpose
trap 'kill $pids 2>/dev/null' EXIT
trap 'exit 130' INT TERM
rc=0
run=1
while [ "$run" -le "$reps" ]; do
	echo "busy-run: run $run of $reps with $n busy loops: $*" >&2
	"$@" || { rc=$?; echo "busy-run: run $run failed (exit $rc)" >&2; break; }
	run=$((run + 1))
done
exit $rc
