#!/usr/bin/env bash
# Stop the llama.cpp server that scripts/start-llama-server.sh started on LLAMA_PORT (default 18080).
set -euo pipefail
source "$(dirname "$0")/lib/servers.sh"
LLAMA_PORT="${LLAMA_PORT:-18080}"
stop_pidfile "llama.cpp server" "${RUN_DIR}/llama-server-${LLAMA_PORT}.pid"
