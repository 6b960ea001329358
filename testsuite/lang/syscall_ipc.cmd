printf '%s\n' 'import ctypes' 'libc = ctypes.CDLL(None, use_errno=True)' 'libc.syscall(65, -1, 0, 0)' 'libc.syscall(209, 0, 0, 0)' > /tmp/syscall_ipc.py; $TAPIO -c 'python3 /tmp/syscall_ipc.py' $KO
