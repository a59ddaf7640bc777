#!/usr/bin/env bash
# Test-only tools for the LMS record (docs/lms.md), installed from the package registries into
# .venv/xapi-tools (git-ignored; override with LEVERAGE_TEST_XAPI_TOOLS). Idempotent and quick when present.
#   ralph/  a venv with the Ralph LRS (requirements/xapi-tools.txt): tests/test_xapi_ralph.py starts it
#   node/   LearningLocker's xapi-validation from npm: tests/test_xapi.py cross-checks statements with it
# Without them those tests skip; with LEVERAGE_TEST_XAPI_TOOLS_REQUIRED=1 they fail instead.
set -euo pipefail
cd "$(dirname "$0")/.."
DEST="${LEVERAGE_TEST_XAPI_TOOLS:-.venv/xapi-tools}"
PY="${PYTHON:-$(command -v python3.11 || command -v python3)}"
mkdir -p "$DEST"

if ! "$DEST/ralph/bin/python" -c "import ralph.api, bcrypt, uvicorn" >/dev/null 2>&1; then
  echo ">> xapi tools: Ralph LRS into $DEST/ralph"
  "$PY" -m venv "$DEST/ralph"
  "$DEST/ralph/bin/python" -m pip install --quiet --disable-pip-version-check -r requirements/xapi-tools.txt -c requirements/xapi-tools.constraints.txt
fi

if command -v npm >/dev/null 2>&1; then
  if [ ! -f "$DEST/node/node_modules/xapi-validation/package.json" ]; then
    echo ">> xapi tools: xapi-validation (npm) into $DEST/node"
    mkdir -p "$DEST/node"
    npm install --silent --no-audit --no-fund --prefix "$DEST/node" xapi-validation@2.1.4 >/dev/null
  fi
else
  echo ">> xapi tools: npm not found; the xapi-validation cross-check will skip"
fi
echo ">> xapi tools ready in $DEST"
