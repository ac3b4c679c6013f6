# SPDX-License-Identifier: ISC
#
# Sourced by the real-host checks (check-jalv-live.sh, tests/ui/check-ui.sh):
# stop a process and wait for it (10 s at most). Stop jalv first, then
# jackd: a jackd killed while its client still hangs on never leaves
# JACK's server registry (/dev/shm/jack-shm-registry, 8 slots, which JACK
# never reclaims for other server names), and once 8 dead servers hold it
# every jackd fails with "Too many servers already active".
stop() {
	kill "$1" 2>/dev/null || return 0
	n=0
	while kill -0 "$1" 2>/dev/null && [ $n -lt 20 ]; do sleep 0.5; n=$((n + 1)); done
}
