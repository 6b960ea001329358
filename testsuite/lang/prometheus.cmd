$TAPIO -c 'sort /proc/systemtap/t_prometheus/__prometheus' $KO
