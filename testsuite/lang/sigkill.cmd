$TAPIO $KO > /dev/null & p=$!; sleep 2; grep -c '^t_sigkill ' /proc/modules; kill -9 $p; sleep 2; grep -c '^t_sigkill ' /proc/modules; exit 0
