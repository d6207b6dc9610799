#!/usr/bin/env bash
# Exact row count of every table of the public schema, one "table|count" line each, sorted: the fingerprint that
# backup.sh stores beside a dump and restore.sh checks after a restore.
#   deploy/scripts/table-counts.sh postgresql://user:pass@host:5432/registry
set -euo pipefail
URL="${1:?give the database URL}"
URL="${URL/#postgis:/postgresql:}"
psql "$URL" -v ON_ERROR_STOP=1 -qAt <<'SQL' | sort
SELECT format('SELECT %L || ''|'' || count(*) FROM %I.%I', tablename, schemaname, tablename)
FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename
\gexec
SQL
