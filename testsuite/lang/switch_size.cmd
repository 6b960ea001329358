cd "$(mktemp -d)" && $TAPIO -T 20 -o size -S 0.00003 $KO && for f in *; do echo "== $f"; cat "$f"; done
