#!/usr/bin/env bash
# Install (if needed), start and provision a local PostgreSQL for the persistence tests. Idempotent; run as root.
# Prints the URL to export as LEVERAGE_TEST_PG_URL on its last line.
set -euo pipefail

PG_USER="${PG_USER:-leverage}"
PG_PASSWORD="${PG_PASSWORD:-leverage}"
PG_DB="${PG_DB:-leverage_test}"
PG_PORT="${PG_PORT:-5432}"

if ! command -v pg_lsclusters >/dev/null 2>&1; then
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -q >/dev/null
  apt-get install -y -q postgresql >/dev/null
fi

# The newest installed major version, and its default cluster (created by the package; recreated if missing).
PG_VERSION="$(ls /usr/lib/postgresql | sort -n | tail -1)"
if ! pg_lsclusters -h | awk '{print $1" "$2}' | grep -qx "${PG_VERSION} main"; then
  pg_createcluster --port "${PG_PORT}" "${PG_VERSION}" main >/dev/null
fi
if ! pg_lsclusters -h | awk -v v="${PG_VERSION}" '$1==v && $2=="main" {print $4}' | grep -qx online; then
  pg_ctlcluster "${PG_VERSION}" main start
fi

# Wait until it accepts connections (a fresh start takes a moment).
for _ in $(seq 1 30); do
  if su postgres -c "pg_isready -q -p ${PG_PORT}"; then break; fi
  sleep 1
done
su postgres -c "pg_isready -p ${PG_PORT}" >/dev/null

psql_admin() { su postgres -c "psql -p ${PG_PORT} -v ON_ERROR_STOP=1 -qtA -c \"$1\""; }

if [ "$(psql_admin "SELECT 1 FROM pg_roles WHERE rolname='${PG_USER}'")" != "1" ]; then
  psql_admin "CREATE ROLE ${PG_USER} LOGIN PASSWORD '${PG_PASSWORD}' CREATEDB"
fi
if [ "$(psql_admin "SELECT 1 FROM pg_database WHERE datname='${PG_DB}'")" != "1" ]; then
  psql_admin "CREATE DATABASE ${PG_DB} OWNER ${PG_USER}"
fi

echo "postgresql+psycopg://${PG_USER}:${PG_PASSWORD}@localhost:${PG_PORT}/${PG_DB}"
