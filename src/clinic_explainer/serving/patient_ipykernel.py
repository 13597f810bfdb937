"""The kernel of a patient's page: ipykernel without what a patient's visit never uses.

(The module name keeps "ipykernel" in the process's command line, where tools look for kernels.)

Voila finds this kernelspec ("python3", in jupyter_data/kernels/) before the default one
because app.py puts jupyter_data/ first on JUPYTER_PATH; JupyterLab (training) keeps the
normal kernel. Per visitor this saves about 7 MB (debugpy and pydevd are not imported;
no debugger can attach anyway) and IPython's history database is off (nothing written).
"""

import sys


def main() -> None:
    sys.modules["debugpy"] = None  # ipykernel then runs without its debugger
    from ipykernel import kernelapp
    kernelapp.launch_new_instance(argv=[*sys.argv[1:], "--HistoryManager.enabled=False"])


if __name__ == "__main__":
    main()
