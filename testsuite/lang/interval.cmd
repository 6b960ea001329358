$TAPIO -i 0.3 $KO > /tmp/interval-text.out && $TAPIO -i 0.3 --json $KO | python3 -c '
import json, re, sys
# Text: blocks of three lines, one per print; the data set that does not change is
# the same in every print, the counter only grows.
lines = open("/tmp/interval-text.out").read().splitlines()
prints = [lines[i:i + 3] for i in range(0, len(lines), 3)]
counts = []
for p in prints:
    assert p[1:] == ["fixed[\"n\",0] @count=2 @min=2 @max=4 @sum=6 @avg=3",
                     "fixed[\"n\",1] @count=2 @min=1 @max=3 @sum=4 @avg=2"], p
    m = re.fullmatch(r"ticks @count=(\d+) @min=1 @max=1 @sum=(\d+) @avg=1", p[0])
    assert m and m.group(1) == m.group(2), p[0]
    counts.append(int(m.group(1)))
print("text prints >= 4:", len(prints) >= 4, "growing:", counts == sorted(counts) and counts[0] < counts[-1])
# JSON: one document per print.
text, docs, dec, i = sys.stdin.read(), [], json.JSONDecoder(), 0
while i < len(text):
    d, i = dec.raw_decode(text, i)
    docs.append(d["aggregations"])
    while i < len(text) and text[i].isspace():
        i += 1
t = [d["ticks"][0]["count"] for d in docs]
print("json prints >= 4:", len(docs) >= 4, "growing:", t == sorted(t) and t[0] < t[-1])
print("fixed:", sorted((r["key"], r["count"], r["sum"]) for r in docs[-1]["fixed"]))
'
