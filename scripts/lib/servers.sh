# Shared helpers for the scripts that start and stop local servers (sourced, not run).
# Each server keeps its pid file and log in RUN_DIR (default .leverage/run, git-ignored).

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
RUN_DIR="${RUN_DIR:-${ROOT}/.leverage/run}"
mkdir -p "${RUN_DIR}"

# The project's Python: LEVERAGE_PYTHON, else the repo's venv (`make install` creates it). Never a system Python,
# so these scripts cannot install into one by accident.
project_python() {
  local py="${LEVERAGE_PYTHON:-${ROOT}/.venv/bin/python}"
  if [ ! -x "${py}" ]; then
    echo "error: ${py} not found: run make install first (or set LEVERAGE_PYTHON)" >&2
    return 1
  fi
  echo "${py}"
}

# True when the process in PIDFILE is alive.
pid_alive() {
  local pidfile="$1"
  [ -f "${pidfile}" ] && kill -0 "$(cat "${pidfile}")" 2>/dev/null
}

# True when URL answers HTTP 200 within 2 seconds.
http_ok() {
  "$(project_python)" - "$1" <<'PY' 2>/dev/null
import sys, urllib.request
try:
    with urllib.request.urlopen(sys.argv[1], timeout=2) as r:
        sys.exit(0 if r.status == 200 else 1)
except Exception:
    sys.exit(1)
PY
}

# wait_http NAME URL PIDFILE LOG TIMEOUT: poll URL until it answers, printing progress every 10 s so CI is never
# silent; fail (with the log's tail) if the process dies or TIMEOUT seconds pass.
wait_http() {
  local name="$1" url="$2" pidfile="$3" log="$4" timeout="$5"
  local start now elapsed last=0
  start=$(date +%s)
  while true; do
    if http_ok "${url}"; then
      now=$(date +%s)
      echo "   ${name} ready after $((now - start)) s (${url})" >&2
      return 0
    fi
    now=$(date +%s); elapsed=$((now - start))
    if ! pid_alive "${pidfile}"; then
      echo "   ${name} exited during start-up; last lines of ${log}:" >&2
      tail -n 20 "${log}" >&2 || true
      rm -f "${pidfile}"
      return 1
    fi
    if [ "${elapsed}" -ge "${timeout}" ]; then
      echo "   ${name} did not answer ${url} within ${timeout} s; last lines of ${log}:" >&2
      tail -n 20 "${log}" >&2 || true
      stop_pidfile "${name}" "${pidfile}"
      return 1
    fi
    if [ $((elapsed - last)) -ge 10 ]; then
      echo "   waiting for ${name}... ${elapsed} s" >&2
      last=${elapsed}
    fi
    sleep 0.5
  done
}

# stop_pidfile NAME PIDFILE: SIGTERM the process (and its group), SIGKILL after 10 s, remove the pid file.
stop_pidfile() {
  local name="$1" pidfile="$2" pid
  if ! [ -f "${pidfile}" ]; then
    echo "${name}: not running (no ${pidfile})" >&2
    return 0
  fi
  pid="$(cat "${pidfile}")"
  if kill -0 "${pid}" 2>/dev/null; then
    kill -TERM "${pid}" 2>/dev/null || true
    for _ in $(seq 1 20); do
      kill -0 "${pid}" 2>/dev/null || break
      sleep 0.5
    done
    if kill -0 "${pid}" 2>/dev/null; then
      echo "${name}: still running after 10 s; sending SIGKILL" >&2
      kill -KILL "${pid}" 2>/dev/null || true
    fi
    echo "${name}: stopped (pid ${pid})" >&2
  else
    echo "${name}: was not running (stale pid ${pid})" >&2
  fi
  rm -f "${pidfile}"
}
