"""The kernel of a patient's page: ipykernel without what a patient's visit never uses, and with a memory limit.

(The module name keeps "ipykernel" in the process's command line, where tools look for kernels.)

Voila finds this kernelspec ("python3", in jupyter_data/kernels/) before the default one
because app.py puts jupyter_data/ first on JUPYTER_PATH; JupyterLab (training) keeps the
normal kernel. Its provisioner (kernel_provisioner.py) has the kernel forked by the fork
server (kernel_forks.py), which then runs ``run_kernel`` in the fork; without a fork server
jupyter_client starts this module as a process of its own. Per visitor this saves about 7 MB (debugpy and pydevd are not imported;
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

import os
import resource
import sys

from clinic_explainer.settings import kernel_memory_mb


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


def run_kernel(argv: list[str], forked: bool = False, page=None) -> None:
    """Run ipykernel in this process with ``argv`` (its ``-f <connection file>``); ``forked``:
    in a child of the fork server, whose imports happened before any kernel existed; ``page``:
    forked from a page already run (page_replay.py), whose widgets are this kernel's."""
    limit_memory(kernel_memory_mb())
    # one BLAS thread (numpy, under matplotlib on the skin page): its per-thread buffers would
    # grow the kernel's memory with the machine's cores, and a page's drawing needs none
    os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
    sys.modules["debugpy"] = None  # ipykernel then runs without its debugger
    from ipykernel import kernelapp

    extra = ["--HistoryManager.enabled=False"]
    if forked:  # the parent to watch is the fork server (read from the environment at its import)
        extra.append(f"--IPKernelApp.parent_handle={os.getppid()}")
    if page is not None:
        from clinic_explainer.serving import page_replay

        page_replay.forget_shell()
    app = kernelapp.IPKernelApp.instance()
    app.initialize([*argv, *extra])
    widgets = sys.modules.get("ipywidgets")
    if widgets is not None:  # imported before this kernel: its comm targets are registered now
        widgets.register_comm_target()
    if page is not None:
        page_replay.install_replay(app.kernel, *page)
    app.start()


def main() -> None:
    run_kernel(sys.argv[1:])


if __name__ == "__main__":
    main()
