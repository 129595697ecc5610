#!/bin/bash
# Run once by the postgres image when its data volume is new (docker-entrypoint-initdb.d).
# The ledger's two roles, as deploy/lib/postgres.sh makes them for the local cluster:
# provenance_owner owns the database and runs the migrations; provenance_app reads and appends.
set -euo pipefail
: "${PROVENANCE_OWNER_PASSWORD:?set PROVENANCE_OWNER_PASSWORD}"
: "${PROVENANCE_APP_PASSWORD:?set PROVENANCE_APP_PASSWORD}"
psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname postgres \
  -v owner_password="$PROVENANCE_OWNER_PASSWORD" -v app_password="$PROVENANCE_APP_PASSWORD" <<'SQL'
CREATE ROLE provenance_owner LOGIN PASSWORD :'owner_password';
CREATE ROLE provenance_app LOGIN PASSWORD :'app_password';
CREATE DATABASE provenance OWNER provenance_owner;
REVOKE ALL ON DATABASE provenance FROM PUBLIC;
GRANT CONNECT ON DATABASE provenance TO provenance_app;
SQL
