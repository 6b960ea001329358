$TAPIO -T 60 $KO | awk '$2 != NR - 1 { bad++ } END { print NR, bad + 0 }'
