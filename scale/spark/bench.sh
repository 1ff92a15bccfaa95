#!/usr/bin/env bash
# The archive benchmark of BENCHMARKS.md: one corpus through `corpus-ls entities` and through the
# Spark job on a local-cluster, the snapshot loaded into a throwaway PostgreSQL, then the
# editors' queries timed. Usage (from the repo, after `cargo build --release` and
# `.ci/archive-env`):
#
#   nice bash scale/spark/bench.sh CORPUS WORK     # e.g. /work/bench/corpus100k /tmp/arch
#
# WORK gets the parts, the snapshot and the cluster; delete it afterwards. Prints
# `/usr/bin/time -v` summaries and the query times; runs as root or as a user.
set -euo pipefail
CORPUS=$(realpath "$1")
WORK=$2
REPO=$(cd "$(dirname "$0")/../.." && pwd)
BIN=$REPO/target/release/corpus-ls
VENV=$REPO/target/sparkenv
PGBIN=$(ls -d /usr/lib/postgresql/*/bin | sort | tail -1)
mkdir -p "$WORK"
WORK=$(realpath "$WORK")
summary() { grep -E "Elapsed|User time|System time|Maximum resident" "$1" | sed 's/^\s*/  /'; }

echo "== corpus-ls entities (one process)"
/usr/bin/time -v "$BIN" --no-cache entities "$CORPUS" --format json > "$WORK/entities.jsonl" 2> "$WORK/entities.time"
summary "$WORK/entities.time"

echo "== Spark job, local-cluster[2,1,1024], ${SLICES:-16} map slices"
PATH="$VENV/bin:$PATH" PYSPARK_PYTHON="$VENV/bin/python" SPARK_LOCAL_IP=127.0.0.1 \
  /usr/bin/time -v "$VENV/bin/spark-submit" --master 'local-cluster[2,1,1024]' \
  --conf spark.ui.enabled=false --conf spark.driver.host=127.0.0.1 \
  "$REPO/scale/spark/corpus_ls_job.py" --binary "$BIN" --root "$CORPUS" \
  --work "$WORK/parts" --out "$WORK/snapshots" --slices "${SLICES:-16}" \
  > "$WORK/job.json" 2> "$WORK/job.time"
cat "$WORK/job.json"
summary "$WORK/job.time"
SNAP=$(python3 -c 'import json,sys; print(json.loads(open(sys.argv[1]).readline())["snapshot"])' "$WORK/job.json")
du -sh "$WORK/parts" "$SNAP"

echo "== PostgreSQL: load"
as_pg() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }
mkdir -p "$WORK/pg" && [ "$(id -u)" != 0 ] || chown postgres "$WORK/pg"
as_pg "$PGBIN/initdb" -D "$WORK/pg/data" -U corpus --auth=trust -E UTF8 --no-sync > /dev/null
PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
as_pg "$PGBIN/pg_ctl" -D "$WORK/pg/data" -l "$WORK/pg/log" -w \
  -o "-p $PORT -c listen_addresses=127.0.0.1 -k $WORK/pg -c fsync=off" start > /dev/null
trap 'as_pg "$PGBIN/pg_ctl" -D "$WORK/pg/data" -m immediate -w stop > /dev/null' EXIT
URL=postgresql://corpus@127.0.0.1:$PORT/postgres
/usr/bin/time -v "$BIN" archive load --postgres "$URL" "$SNAP" 2> "$WORK/load.time"
summary "$WORK/load.time"
psql() { "$PGBIN/psql" "$URL" -XAtq "$@"; }
psql -c "SELECT pg_size_pretty(pg_database_size('postgres'))"

echo "== queries: server-side ms (EXPLAIN ANALYZE execution time), 5 runs"
TOP=$(head -1 "$WORK/entities.jsonl" | python3 -c 'import json,sys; print(json.load(sys.stdin)["entity"])')
ID=$(psql -c "SELECT id FROM corpus_ls.entities WHERE name = \$\$${TOP}\$\$ ORDER BY mentions DESC LIMIT 1")
KEY=$(psql -c "SELECT key FROM corpus_ls.aliases WHERE entity = $ID LIMIT 1")
explain() {
  for _ in 1 2 3 4 5; do
    psql -c "EXPLAIN (ANALYZE, FORMAT JSON) $1" | python3 -c 'import json,sys; print(round(json.load(sys.stdin)[0]["Execution Time"],2), end=" ")'
  done
  echo " ms: $2"
}
explain "SELECT DISTINCT e.id FROM corpus_ls.aliases a JOIN corpus_ls.entities e ON e.id = a.entity WHERE a.key = \$\$${KEY}\$\$" "alias lookup ($KEY)"
explain "SELECT rel, start_byte FROM corpus_ls.mentions WHERE entity = $ID ORDER BY rel, start_byte LIMIT 100" "first page of mentions of $TOP"
explain "SELECT rel FROM corpus_ls.facts WHERE dim = 'money' AND unit = 'USD' AND context && ARRAY['deficit','trade','tariffs'] ORDER BY cardinality(ARRAY(SELECT unnest(context) INTERSECT SELECT unnest(ARRAY['deficit','trade','tariffs']))) DESC LIMIT 8" "facts of one note figure (money/USD, 3 words)"

echo "== round trips through corpus-ls (process start and connection included)"
t() { local s; s=$(date +%s.%N); "$@" > /dev/null; python3 -c "import sys; print(round(($(date +%s.%N)-$s)*1000), 'ms:', ' '.join(sys.argv[1:]))" "$@"; }
for _ in 1 2 3; do t "$BIN" archive query --postgres "$URL" entity "$KEY"; done
for _ in 1 2 3; do t "$BIN" archive query --postgres "$URL" mentions "$TOP" --page-size 100; done
# A note checked against the archive: a folder of one note whose figures the archive's
# articles state (its text is written here).
NOTE=$WORK/note-folder
mkdir -p "$NOTE/notes"
printf '[archive]\npostgres = "%s"\n' "$URL" > "$NOTE/corpus-ls.toml"
printf '# Trade notes\n\nThe trade deficit grew to $50 billion and tariffs of 25%% apply to steel imports.\nThe company said it would cut 2,000 jobs.\n' > "$NOTE/notes/trade.md"
for _ in 1 2 3; do t "$BIN" --no-cache check "$NOTE" --format json --fail-on never; done
"$BIN" --no-cache check "$NOTE" --format json --fail-on never | head -3
