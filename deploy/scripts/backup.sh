#!/usr/bin/env bash
# Back up the registry: a pg_dump of the database (custom format), the uploaded files, and the row count of every
# table, which restore.sh compares after restoring.
#   DATABASE_URL=postgis://user:pass@host:5432/registry BACKUP_DIR=/var/backups/eaeu-portal deploy/scripts/backup.sh
# Optional: MEDIA_ROOT (uploaded logos; archived when set), BACKUP_KEEP_DAYS (default 14; older backups are removed).
# Prints the path of the dump it wrote.
set -euo pipefail

: "${DATABASE_URL:?set DATABASE_URL to the database to back up}"
: "${BACKUP_DIR:?set BACKUP_DIR to the directory that keeps the backups}"
KEEP_DAYS="${BACKUP_KEEP_DAYS:-14}"
# pg_dump and psql read the same URL with the standard scheme.
URL="${DATABASE_URL/#postgis:/postgresql:}"
URL="${URL/#postgres:/postgresql:}"

mkdir -p "$BACKUP_DIR"
umask 077
stamp="$(date -u +%Y%m%dT%H%M%SZ)"
dump="$BACKUP_DIR/registry-$stamp.dump"

# Counted in the same snapshot as the dump would be ideal; counting right before it is exact on a quiet database and
# tells a partial restore from a complete one on a busy one.
"$(dirname "${BASH_SOURCE[0]}")/table-counts.sh" "$URL" >"$dump.counts"
pg_dump --format=custom --compress=6 --no-owner --no-privileges --file="$dump.partial" "$URL"
mv "$dump.partial" "$dump"

if [ -n "${MEDIA_ROOT:-}" ] && [ -d "$MEDIA_ROOT" ]; then
  tar -C "$MEDIA_ROOT" -czf "$BACKUP_DIR/media-$stamp.tar.gz" .
fi

find "$BACKUP_DIR" -maxdepth 1 -type f \( -name 'registry-*' -o -name 'media-*' \) -mtime "+$KEEP_DAYS" -delete
echo "$dump"
