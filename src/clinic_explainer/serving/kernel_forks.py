"""The kernel fork server: patients' kernels are forked from one process that has already
imported what every kernel imports (issue 19).

A patient kernel spent about 0.6 of its 1.2 CPU-seconds a visit importing ipykernel,
ipywidgets and the package (pydantic's schemas, the page blocks) before it ran a single cell.
This process imports them once, freezes them out of the garbage collector's reach (so the
forks keep sharing those pages of memory) and then forks a kernel per request:

    server (Voila) --starts--> this process   (``start``: at the server's start, one per server)
    jupyter_client --starts--> patient_ipykernel.py -f <connection file>
        it asks this process over a Unix socket (0600, in a private folder) for a kernel, with
        its argv, environment, folder, stdin/stdout/stderr and a "life" pipe; this process
        forks, and the child becomes the kernel (its own connection file, ports, key: nothing
        of one kernel is another's); patient_ipykernel.py stays as the kernel's stand-in for
        jupyter_client: it passes signals on and ends when the kernel ends.

A kernel whose stand-in is killed (jupyter_client's kill) sees its life pipe close and ends at
once. No content is loaded here: a kernel reads content/ itself, as it did, so an edit shows
at the next page. If this process is not there (not started, crashed), a kernel starts as
before (patient_ipykernel.py falls back to ipykernel), only slower.

Fork safety: this process has one thread, no ZMQ context, no event loop and no open files
but its socket when it forks; the child reseeds ``random``, restores the default signal
handlers and starts its own threads.
"""

from __future__ import annotations

import array
import atexit
import contextlib
import gc
import importlib
import json
import os
import random
import select
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

from clinic_explainer import settings
from clinic_explainer.serving.patient_ipykernel import SOCKET_ENV  # the socket's path; unset: as before
# what every patient kernel imports (the notebooks' first cell imports clinic_explainer.session):
# named, not imported here, as this module is loaded by the server too (``start``)
PRELOAD = ("ipykernel.kernelapp", "ipykernel.ipkernel", "ipywidgets", "clinic_explainer.session",
           "clinic_explainer.views.timeline", "clinic_explainer.views.candidacy")
MAX_REQUEST = 1024 * 1024
READY_SECONDS = 30


# -- the server's side ---------------------------------------------------------------------------
def fork_kernels(app, voila) -> None:
    """Application hook (first: before the pool starts a kernel): the fork server, stopped with
    this process."""
    if not settings.kernel_forks():
        return
    proc = start(voila.log)
    atexit.register(stop, proc)


def start(log) -> subprocess.Popen | None:
    """Start the fork server for this Voila process; its socket's path is put in this process's
    environment (kernels inherit it). None, with a log line, if it did not come up."""
    folder = Path(tempfile.mkdtemp(prefix="clinic-kernel-forks-"))
    os.chmod(folder, 0o700)
    path = folder / "forks.sock"
    proc = subprocess.Popen([sys.executable, "-m", "clinic_explainer.serving.kernel_forks", str(path)],
                            stdin=subprocess.DEVNULL)
    deadline = time.monotonic() + READY_SECONDS
    while time.monotonic() < deadline and proc.poll() is None:
        if path.exists():
            os.environ[SOCKET_ENV] = str(path)
            return proc
        time.sleep(0.05)
    log.warning("The kernel fork server did not start: kernels start one by one, more slowly")
    proc.kill()
    proc.wait()
    return None


def stop(proc: subprocess.Popen | None) -> None:
    """Stop the fork server (its kernels end with it: each watches its parent) and remove its folder."""
    path = os.environ.pop(SOCKET_ENV, None)
    if proc is not None and proc.poll() is None:
        proc.terminate()
        try:
            proc.wait(5)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
    if path:
        shutil.rmtree(Path(path).parent, ignore_errors=True)


# -- the fork server ---------------------------------------------------------------------------
def _reap(signum=None, frame=None) -> None:
    while True:
        try:
            pid, _ = os.waitpid(-1, os.WNOHANG)
        except ChildProcessError:
            return
        if pid == 0:
            return


def _child(conn: socket.socket, server: socket.socket, request: dict, fds: list[int]) -> None:
    """In the forked child: become the kernel the request describes. Never returns."""
    code = 1
    try:
        server.close()
        conn.close()
        for sig in (signal.SIGCHLD, signal.SIGTERM, signal.SIGINT, signal.SIGHUP):
            signal.signal(sig, signal.SIG_DFL)
        signal.signal(signal.SIGINT, signal.default_int_handler)
        stdin, stdout, stderr, life = fds
        for fd, target in ((stdin, 0), (stdout, 1), (stderr, 2)):
            os.dup2(fd, target)
            os.close(fd)
        # the stand-in gone (killed): this kernel ends at once, nothing left running for nobody
        threading.Thread(target=_end_with, args=(life,), daemon=True, name="kernel-life").start()
        os.chdir(request["cwd"])
        os.environ.clear()
        os.environ.update(request["env"])
        random.seed()
        from clinic_explainer.serving import patient_ipykernel

        patient_ipykernel.run_kernel(request["argv"], forked=True)
        code = 0
    except SystemExit as exc:
        code = exc.code if isinstance(exc.code, int) else 0
    except BaseException:  # noqa: BLE001 - the kernel's own error went to its stderr
        import traceback

        traceback.print_exc()
    finally:
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(code)


def _end_with(fd: int) -> None:
    try:
        while os.read(fd, 1):
            pass
    except OSError:
        pass
    os._exit(1)


def _serve_one(server: socket.socket, conn: socket.socket) -> None:
    conn.settimeout(10)
    fds = array.array("i")
    data, ancillary, _, _ = conn.recvmsg(MAX_REQUEST, socket.CMSG_SPACE(4 * fds.itemsize))
    for level, kind, payload in ancillary:
        if level == socket.SOL_SOCKET and kind == socket.SCM_RIGHTS:
            fds.frombytes(payload[: len(payload) - (len(payload) % fds.itemsize)])
    fds = list(fds)
    try:
        request = json.loads(data)
        if len(fds) != 4 or not isinstance(request.get("argv"), list):
            raise ValueError("a request needs argv and four descriptors")
        pid = os.fork()
        if pid == 0:
            _child(conn, server, request, fds)
        conn.sendall(json.dumps({"pid": pid}).encode())
    except Exception as exc:  # noqa: BLE001 - the stand-in starts the kernel itself instead
        conn.sendall(json.dumps({"error": type(exc).__name__}).encode())
    finally:
        for fd in fds:
            os.close(fd)


def serve(path: str) -> None:
    sys.modules["debugpy"] = None  # as patient_ipykernel.py: no debugger in a patient kernel
    for name in PRELOAD:
        importlib.import_module(name)
    gc.collect()
    gc.freeze()  # the imported objects stay out of the collector's reach: their pages stay shared
    signal.signal(signal.SIGCHLD, _reap)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    server = socket.socket(socket.AF_UNIX, socket.SOCK_SEQPACKET)
    old = os.umask(0o177)
    try:
        server.bind(path + ".new")
    finally:
        os.umask(old)
    server.listen(64)
    os.rename(path + ".new", path)  # the server sees the socket only once it listens
    parent = os.getppid()
    try:
        while os.getppid() == parent:  # the server gone: so is this process
            ready, _, _ = select.select([server], [], [], 1.0)
            if not ready:
                continue
            conn, _ = server.accept()
            with conn:
                try:
                    _serve_one(server, conn)
                except OSError:
                    pass
    finally:
        server.close()
        # the socket, then its private folder: nothing is left, even after a kill -9 of the server
        with contextlib.suppress(OSError):
            os.unlink(path)
        with contextlib.suppress(OSError):
            os.rmdir(Path(path).parent)


if __name__ == "__main__":
    serve(sys.argv[1])
