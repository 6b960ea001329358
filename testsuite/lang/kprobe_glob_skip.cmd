$TAPIO -T 20 -c 'cat /sys/kernel/debug/kprobes/list' $KO | sed -n 's/^[0-9a-f]*  \([kr]\)  \([^+]*\)+0x0.*/\1 \2/p'
