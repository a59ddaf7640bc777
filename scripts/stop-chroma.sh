#!/usr/bin/env bash
# Stop the Chroma server that scripts/start-chroma.sh started on CHROMA_PORT (default 18000).
set -euo pipefail
source "$(dirname "$0")/lib/servers.sh"
CHROMA_PORT="${CHROMA_PORT:-18000}"
stop_pidfile "Chroma" "${RUN_DIR}/chroma-${CHROMA_PORT}.pid"
