#!/usr/bin/env bash
# Restore a dump written by backup.sh into an EMPTY database, then check every table's row count against the counts
# stored with the dump.
#   deploy/scripts/restore.sh /var/backups/eaeu-portal/registry-20260101T023000Z.dump postgresql://user:pass@host/scratch
# Exit status: 0 restored and counts equal; 1 restored but counts differ (the differences are printed); 2 refused.
set -euo pipefail

dump="${1:?give the dump file}"
target="${2:?give the URL of an empty target database}"
target="${target/#postgis:/postgresql:}"
target="${target/#postgres:/postgresql:}"
here="$(dirname "${BASH_SOURCE[0]}")"

[ -f "$dump" ] || { echo "restore: no such dump: $dump" >&2; exit 2; }
tables="$(psql "$target" -v ON_ERROR_STOP=1 -qAt -c "SELECT count(*) FROM pg_tables WHERE schemaname = 'public'")"
# spatial_ref_sys comes with PostGIS when the target was created from a template that has it.
if [ "$tables" -gt 1 ]; then
  echo "restore: the target database already has $tables tables; restore into an empty database" >&2
  exit 2
fi

# pg_dump restores with an empty search_path. The history triggers' conditions compare geometry columns with
# IS DISTINCT FROM, whose operator PostGIS defines in the public schema: with an empty path PostgreSQL cannot pick
# it ("operator is not unique: public.geometry = public.geometry") and the restore stops. Restoring with public on
# the path (it holds the portal's own objects only) lets those triggers be created as the migrations created them.
pg_restore --no-owner --no-privileges --file=- "$dump" \
  | sed "s/set_config('search_path', '', false)/set_config('search_path', 'public, pg_catalog', false)/" \
  | psql "$target" -v ON_ERROR_STOP=1 -q -o /dev/null

if [ ! -f "$dump.counts" ]; then
  echo "restore: restored; no $dump.counts to compare row counts with" >&2
  exit 0
fi
if diff -u --label backup "$dump.counts" --label restored <("$here/table-counts.sh" "$target"); then
  echo "restore: restored; the row counts of $(wc -l <"$dump.counts") tables match the backup"
else
  echo "restore: the row counts differ from the backup (above)" >&2
  exit 1
fi
