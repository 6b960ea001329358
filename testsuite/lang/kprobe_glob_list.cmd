T=${TAPIO%/tapio/tapio}/translator/tapc; $T -l 'kprobe.function("__x64_sys_getp*id")' && $T -l 'kprobe.function("__x64_sys_getp[p]id").return'
