$TAPIO -c "$WORKLOAD writes 1 10" $KO | sed -E 's/0x[0-9a-f]{6,}/ADDR/g' | sort
