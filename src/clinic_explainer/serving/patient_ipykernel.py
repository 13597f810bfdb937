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


def main() -> None:
    limit_memory(kernel_memory_mb())
    # one BLAS thread (numpy, under matplotlib on the skin page): its per-thread buffers would
    # grow the kernel's memory with the machine's cores, and a page's drawing needs none
    os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
    sys.modules["debugpy"] = None  # ipykernel then runs without its debugger
    from ipykernel import kernelapp
    kernelapp.launch_new_instance(argv=[*sys.argv[1:], "--HistoryManager.enabled=False"])


if __name__ == "__main__":
    main()
