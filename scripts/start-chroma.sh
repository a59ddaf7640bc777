#!/usr/bin/env bash
# Start a Chroma server (`chroma run` from the chromadb package) on localhost, wait for its heartbeat, and print
# its URL (for LEVERAGE_CHROMA_URL) on the last line. Idempotent. Stop it with scripts/stop-chroma.sh.
#
#   CHROMA_PORT   listen port (default 18000); CHROMA_HOST (default 127.0.0.1)
#   CHROMA_PATH   where the server keeps its data (default .leverage/chroma-server-PORT)
#   CHROMA_START_TIMEOUT  seconds to wait for the heartbeat (default 60)
set -euo pipefail
source "$(dirname "$0")/lib/servers.sh"

CHROMA_HOST="${CHROMA_HOST:-127.0.0.1}"
CHROMA_PORT="${CHROMA_PORT:-18000}"
CHROMA_PATH="${CHROMA_PATH:-${ROOT}/.leverage/chroma-server-${CHROMA_PORT}}"
CHROMA_START_TIMEOUT="${CHROMA_START_TIMEOUT:-60}"
PIDFILE="${RUN_DIR}/chroma-${CHROMA_PORT}.pid"
LOG="${RUN_DIR}/chroma-${CHROMA_PORT}.log"
URL="http://${CHROMA_HOST}:${CHROMA_PORT}"
PY="$(project_python)" || exit 1
CHROMA="$(dirname "${PY}")/chroma"
command -v "${CHROMA}" >/dev/null 2>&1 || CHROMA="$(command -v chroma || true)"

if pid_alive "${PIDFILE}" && http_ok "${URL}/api/v2/heartbeat"; then
  echo "Chroma already running (pid $(cat "${PIDFILE}"))" >&2
  echo "${URL}"
  exit 0
fi
if [ -z "${CHROMA}" ]; then
  echo "error: the chroma command is missing; run make install (it comes with the chromadb package)" >&2
  exit 1
fi
if (exec 3<>"/dev/tcp/${CHROMA_HOST}/${CHROMA_PORT}") 2>/dev/null; then
  echo "error: ${CHROMA_HOST}:${CHROMA_PORT} is already taken by another process; set CHROMA_PORT" >&2
  exit 1
fi

mkdir -p "${CHROMA_PATH}"
echo ">> starting Chroma on ${CHROMA_HOST}:${CHROMA_PORT}, data in ${CHROMA_PATH} (log: ${LOG})" >&2
ANONYMIZED_TELEMETRY=False nohup "${CHROMA}" run --path "${CHROMA_PATH}" --host "${CHROMA_HOST}" \
  --port "${CHROMA_PORT}" </dev/null >"${LOG}" 2>&1 &
echo $! >"${PIDFILE}"

wait_http "Chroma" "${URL}/api/v2/heartbeat" "${PIDFILE}" "${LOG}" "${CHROMA_START_TIMEOUT}"
echo "${URL}"
