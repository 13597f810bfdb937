"""The kernel of a patient's page: ipykernel without what a patient's visit never uses, and with a memory limit.

(The module name keeps "ipykernel" in the process's command line, where tools look for kernels.)

Voila finds this kernelspec ("python3", in jupyter_data/kernels/) before the default one
because app.py puts jupyter_data/ first on JUPYTER_PATH; JupyterLab (training) keeps the
normal kernel. Per visitor this saves about 7 MB (debugpy and pydevd are not imported;
no debugger can attach anyway) and IPython's history database is off (nothing written).

**Memory** (issue 20): before ipykernel starts, the kernel's private writable memory
(``RLIMIT_DATA``: what ``VmData`` counts, heap and anonymous mappings, not the shared
libraries) is limited to ``settings.kernel_memory_mb()``, so one visitor cannot take a
gigabyte of the machine. An allocation past it fails: Python raises ``MemoryError``, which a
widget callback turns into the clinic's friendly message (views/base.py ``guarded``) with the
memory given back; if it fails inside a library that cannot recover, the kernel ends and its
page shows the kernel-death notice (kernels/gate.py, static/kernel-watch.js). Either way the
page answers; nothing waits for memory that will never come.
"""

import json
import os
import resource
import select
import signal
import socket
import sys

from clinic_explainer.settings import kernel_memory_mb

SOCKET_ENV = "CLINIC_EXPLAINER_KERNEL_FORKS"  # kernel_forks.py's socket (set by the server)


def limit_memory(mb: int) -> int | None:
    """Limit this process's private memory to ``mb`` MB (0: no limit); the limit in bytes."""
    if mb <= 0:
        return None
    limit = mb * 1024 * 1024
    _, hard = resource.getrlimit(resource.RLIMIT_DATA)
    if hard != resource.RLIM_INFINITY:
        limit = min(limit, hard)
    resource.setrlimit(resource.RLIMIT_DATA, (limit, limit))
    return limit


def run_kernel(argv: list[str], forked: bool = False) -> None:
    """Run ipykernel in this process with ``argv`` (its ``-f <connection file>``); ``forked``:
    in a child of the fork server, whose imports happened before any kernel existed."""
    limit_memory(kernel_memory_mb())
    # one BLAS thread (numpy, under matplotlib on the skin page): its per-thread buffers would
    # grow the kernel's memory with the machine's cores, and a page's drawing needs none
    os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
    sys.modules["debugpy"] = None  # ipykernel then runs without its debugger
    from ipykernel import kernelapp

    extra = ["--HistoryManager.enabled=False"]
    if forked:  # the parent to watch is the fork server (read from the environment at its import)
        extra.append(f"--IPKernelApp.parent_handle={os.getppid()}")
    app = kernelapp.IPKernelApp.instance()
    app.initialize([*argv, *extra])
    widgets = sys.modules.get("ipywidgets")
    if widgets is not None:  # imported before this kernel: its comm targets are registered now
        widgets.register_comm_target()
    app.start()


def forked(argv: list[str]) -> int | None:
    """Ask the server's fork server (kernel_forks.py) for this kernel and stand in for it until
    it ends: its exit code, or None when there is no fork server to ask (nothing was started)."""
    path = os.environ.get(SOCKET_ENV)
    if not path:
        return None
    life_read, life_write = os.pipe()
    try:
        with socket.socket(socket.AF_UNIX, socket.SOCK_SEQPACKET) as conn:
            conn.settimeout(10)
            conn.connect(path)
            request = {"argv": argv, "env": dict(os.environ), "cwd": os.getcwd()}
            socket.send_fds(conn, [json.dumps(request).encode()], [0, 1, 2, life_read])
            reply = json.loads(conn.recv(4096) or b"{}")
    except (OSError, ValueError):
        reply = {}
    finally:
        os.close(life_read)
    pid = reply.get("pid")
    if not isinstance(pid, int):
        os.close(life_write)
        return None
    # jupyter_client signals this process (interrupt, terminate): the kernel gets them
    for sig in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP, signal.SIGQUIT, signal.SIGUSR1, signal.SIGUSR2):
        signal.signal(sig, lambda signum, frame: _pass_on(pid, signum))
    try:
        ended = os.pidfd_open(pid)
    except OSError:  # ended already
        return 0
    while True:
        try:
            if select.select([ended], [], [], None)[0]:
                return 0
        except InterruptedError:
            continue


def _pass_on(pid: int, signum: int) -> None:
    try:
        os.kill(pid, signum)
    except OSError:
        pass


def main() -> None:
    code = forked(sys.argv[1:])
    if code is not None:
        sys.exit(code)
    run_kernel(sys.argv[1:])


if __name__ == "__main__":
    main()
