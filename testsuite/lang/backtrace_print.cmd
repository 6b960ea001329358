$TAPIO -T 20 -c "$WORKLOAD writes 2" $KO | sed -E 's/0x[0-9a-f]+/N/g'
