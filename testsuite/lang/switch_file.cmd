cd "$(mktemp -d)" && $TAPIO -T 20 -o rot -S 1,2 $KO && $TAPIO -T 20 -o plain $KO && for f in *; do echo "== $f"; cat "$f"; done && echo "== no -o" && $TAPIO -T 20 $KO
