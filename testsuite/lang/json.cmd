$TAPIO --json $KO | python3 -c '
import json, sys
d = json.load(sys.stdin)["aggregations"]
s = d["s"][0]
print("s", s["key"], s["count"], s["sum"], s["min"], s["max"], s["avg"], sum(b["count"] for b in s["hist"]))
# h is read with @count only: its updates keep only the count, and so does the JSON
for r in sorted(d["h"], key=lambda r: r["key"][1]):
    print("h", r["key"], r["count"], sorted(r))
print("cpus", len(d["ticks"]), all(r["count"] > 0 for r in d["ticks"]))
'
