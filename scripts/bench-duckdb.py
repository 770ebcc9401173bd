"""DuckDB on the same files, the tool a data-minded user would pick instead: the load into
a table (every record a row, as `read_json` infers it), then the questions the Events tab
answers, timed one by one. Figures only. Usage: .venv/bin/python scripts/bench-duckdb.py DIR
[THREADS] (default 2, this machine's cores)."""

import sys
import time

import duckdb

folder = sys.argv[1]
threads = int(sys.argv[2]) if len(sys.argv) > 2 else 2
con = duckdb.connect()
con.execute(f"SET threads={threads}")

start = time.time()
con.execute(
    "CREATE TABLE t AS SELECT r.* FROM (SELECT unnest(Records) AS r FROM read_json("
    f"'{folder}/**/*.json.gz', maximum_object_size=1000000000, union_by_name=true))"
)
load = time.time() - start
(events,) = con.execute("SELECT count(*) FROM t").fetchone()
print(f"DuckDB {duckdb.__version__}, {threads} threads: read_json into a table, {events} events: {load:.2f} s")

# One event from the middle of the trail (any size).
(event_id,) = con.execute(f"SELECT eventID FROM t ORDER BY eventTime LIMIT 1 OFFSET {events // 2}").fetchone()
QUERIES = [
    ("facet counts (eventName)", "SELECT eventName, count(*) FROM t GROUP BY 1"),
    ("column query (errorCode = AccessDenied)", "SELECT count(*) FROM t WHERE errorCode = 'AccessDenied'"),
    ("exclusion, NOT/OR", "SELECT count(*) FROM t WHERE NOT (eventSource = 's3.amazonaws.com' OR readOnly)"),
    ("rare: one eventID", f"SELECT count(*) FROM t WHERE eventID = '{event_id}'"),
    ("free text, common (`denied` anywhere in the record)", "SELECT count(*) FROM t WHERE to_json(t)::VARCHAR ILIKE '%denied%'"),
]
for name, sql in QUERIES:
    times = []
    for _ in range(5):
        start = time.time()
        con.execute(sql).fetchall()
        times.append(time.time() - start)
    times.sort()
    print(f"  {name}: median {times[2] * 1e3:.1f} ms of 5")
