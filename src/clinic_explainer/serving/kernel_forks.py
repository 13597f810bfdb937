"""The kernel fork server: patients' kernels are forked from one process that has already
imported what every kernel imports (issue 19).

A patient kernel spent about 0.6 of its 1.2 CPU-seconds a visit importing ipykernel,
ipywidgets and the package (pydantic's schemas, the page blocks) before it ran a single cell.
This process imports them once, freezes them out of the garbage collector's reach (so the
forks keep sharing those pages of memory) and then forks a kernel per request:

    server (Voila) --starts--> this process   (``start``: at the server's start, one per server)
    jupyter_client's provisioner (kernel_provisioner.py) asks this process over a Unix socket
        (0600, in a private folder) for a kernel, with its argv, environment, folder,
        stdin/stdout/stderr and a "life" pipe; this process forks, and the child becomes the
        kernel (its own connection file, ports, key: nothing of one kernel is another's).

**Pages run ahead** (``_Pages``): a request for a page's kernel (settings.page_fork, set by
kernels/stamps.py) goes to that page's process, forked from this one the first time: it runs
the page once (page_replay.py) and forks the page's kernels, which hold its widgets already.
A newer page of the same notebook and language retires the older process, which ends with
its last kernel. A page that does not run falls back on a kernel forked from here.

A kernel whose server ends sees its life pipe close and ends at once. No content is loaded
here: a kernel, or a page process, reads content/ itself, so an edit shows at the next page.
If this process is not there (not started, crashed), a kernel starts as a process of its
own, as before, only slower.

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
from clinic_explainer.settings import (
    FORK_SOCKET_ENV as SOCKET_ENV,  # the socket's path; unset: as before
)

# what every patient kernel imports (the notebooks' first cell imports clinic_explainer.session):
# named, not imported here, as this module is loaded by the server too (``start``)
PRELOAD = ("ipykernel.kernelapp", "ipykernel.ipkernel", "ipywidgets", "clinic_explainer.session",
           "clinic_explainer.views.timeline", "clinic_explainer.views.candidacy",
           # what a kernel's start imports after the fork otherwise (a few ms of each copy)
           "ipykernel.debugger", "IPython.core.debugger", "IPython.extensions.storemagic",
           "tornado.platform.asyncio", "tornado.queues")
MAX_REQUEST = 1024 * 1024
READY_SECONDS = 30
PAGE_SECONDS = 60  # a page process runs its page within this (about 0.5 CPU-seconds alone)


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
def _reap(signum=None, frame=None) -> set[int]:
    ended = set()
    while True:
        try:
            pid, _ = os.waitpid(-1, os.WNOHANG)
        except ChildProcessError:
            return ended
        if pid == 0:
            return ended
        ended.add(pid)


def _child(request: dict, fds: list[int], closing: list[socket.socket], page=None) -> None:
    """In the forked child: become the kernel the request describes (``page``: a recorded page
    to play back, page_replay.py). Never returns."""
    code = 1
    try:
        for sock in closing:
            sock.close()
        for sig in (signal.SIGCHLD, signal.SIGTERM, signal.SIGINT, signal.SIGHUP):
            signal.signal(sig, signal.SIG_DFL)
        signal.signal(signal.SIGINT, signal.default_int_handler)
        stdin, stdout, stderr, life = fds
        for fd, target in ((stdin, 0), (stdout, 1), (stderr, 2)):
            os.dup2(fd, target)
            os.close(fd)
        # the stand-in gone (killed): this kernel ends at once, nothing left running for nobody
        threading.Thread(target=_end_with, args=(life,), daemon=True, name="kernel-life").start()
        _take_request(request)
        _name_process(request["argv"])
        from clinic_explainer.serving import patient_ipykernel

        patient_ipykernel.run_kernel(request["argv"], forked=True, page=page)
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


def _take_request(request: dict) -> None:
    """The folder and environment the kernel was asked for; a random state of its own."""
    os.chdir(request["cwd"])
    os.environ.clear()
    os.environ.update(request["env"])
    random.seed()


def _name_process(argv: list[str]) -> None:
    """ps and pgrep name the kernel by its id (from its connection file), as far as 15 characters go."""
    connection = next((arg for arg in argv if str(arg).endswith(".json")), "")
    with contextlib.suppress(OSError):
        Path("/proc/self/comm").write_text(Path(connection).stem[:15] or "kernel")


def _end_with(fd: int) -> None:
    try:
        while os.read(fd, 1):
            pass
    except OSError:
        pass
    os._exit(1)


def _receive(conn: socket.socket) -> tuple[dict | None, list[int]]:
    """A request and its four descriptors (None at the end of a channel)."""
    fds = array.array("i")
    data, ancillary, _, _ = conn.recvmsg(MAX_REQUEST, socket.CMSG_SPACE(4 * fds.itemsize))
    for level, kind, payload in ancillary:
        if level == socket.SOL_SOCKET and kind == socket.SCM_RIGHTS:
            fds.frombytes(payload[: len(payload) - (len(payload) % fds.itemsize)])
    fds = list(fds)
    if not data:
        return None, fds
    request = json.loads(data)
    if len(fds) != 4 or not isinstance(request.get("argv"), list):
        raise ValueError("a request needs argv and four descriptors")
    return request, fds


def _fork_kernel(request: dict, fds: list[int], closing: list[socket.socket], page=None) -> int:
    pid = os.fork()
    if pid == 0:
        _child(request, fds, closing, page)
    return pid


class _Page:
    """A page process: forked from this one, it ran one page (page_replay.py) and forks the
    kernels of that page, over its channel."""

    def __init__(self, page: dict, request: dict, closing: list[socket.socket]):
        self.family, self.id = page["family"], page["page"]
        self.channel, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET)
        self.pid = os.fork()
        if self.pid == 0:
            self.channel.close()
            _page_process(theirs, page, request, [*closing])
        theirs.close()
        self.channel.settimeout(PAGE_SECONDS)
        try:
            self.ready = json.loads(self.channel.recv(4096) or b"{}").get("ready", False)
        except (OSError, ValueError):
            self.ready = False
        if not self.ready:
            self.retire()

    def fork(self, request: dict, fds: list[int]) -> dict:
        try:
            socket.send_fds(self.channel, [json.dumps(request).encode()], fds)
            return json.loads(self.channel.recv(4096) or b"{}")
        except (OSError, ValueError):
            self.retire()
            return {}

    def retire(self) -> None:
        """No more kernels from this page; it ends once its last kernel has."""
        self.ready = False
        self.channel.close()


class _Pages:
    """The page processes of this fork server, one per page and language (``family``): a
    newer page (content edited, a new day) retires the older one."""

    def __init__(self):
        self.by_family: dict[str, _Page] = {}

    def channels(self) -> list[socket.socket]:
        """What a fork closes: a page process's channel open in another process would keep it
        from seeing its retirement."""
        return [page.channel for page in self.by_family.values() if page.ready]

    def kernel(self, page: dict, request: dict, fds: list[int], closing: list[socket.socket]) -> dict:
        current = self.by_family.get(page["family"])
        if current is not None and current.id != page["page"]:
            self.by_family.pop(page["family"]).retire()
            current = None
        if current is None:
            if page["role"] != "render":  # its page process is gone: not a kernel that does not fit
                return {"error": "PageGone"}
            current = self.by_family[page["family"]] = _Page(page, request, closing)
        reply = current.fork(request, fds) if current.ready else {}
        if "pid" in reply or page["role"] != "render":
            return reply or {"error": "PageGone"}
        # the page did not run here: its render kernel runs it for real (the server keeps no copy)
        return {"pid": _fork_kernel(request, fds, closing)}


def _page_process(channel: socket.socket, page: dict, request: dict, closing: list[socket.socket]) -> None:
    """A page process: run the page, then fork its kernels until retired and none is left."""
    code = 1
    try:
        for sock in closing:
            sock.close()
        signal.signal(signal.SIGCHLD, signal.SIG_DFL)
        _take_request(request)
        from clinic_explainer.serving import page_replay

        recording = page_replay.run_page(Path(page["notebook"]), page["page"])
        gc.collect()
        gc.freeze()  # the page's objects stay shared with its kernels
        channel.send(json.dumps({"ready": True}).encode())
        _serve_channel(channel, recording)
        code = 0
    except BaseException as exc:  # noqa: BLE001 - the fork server falls back on kernels that run the page
        print(f"clinic-explainer: the page {page['notebook']} was not run ahead: {type(exc).__name__}: {exc}",
              file=sys.stderr)
        with contextlib.suppress(OSError):
            channel.send(json.dumps({"ready": False}).encode())
    finally:
        sys.stderr.flush()
        os._exit(code)


def _serve_channel(channel: socket.socket, recording) -> None:
    parent, kernels, retired = os.getppid(), set(), False
    while os.getppid() == parent and not (retired and not kernels):
        kernels -= _reap()
        if retired:
            time.sleep(0.5)
            continue
        if not select.select([channel], [], [], 1.0)[0]:
            continue
        try:
            request, fds = _receive(channel)
        except (OSError, ValueError):
            request, fds = None, []
        if request is None:
            for fd in fds:
                os.close(fd)
            retired = True
            channel.close()
            continue
        try:
            pid = _fork_kernel(request, fds, [channel], recording)
            kernels.add(pid)
            channel.send(json.dumps({"pid": pid}).encode())
        finally:
            for fd in fds:
                os.close(fd)


def _serve_one(server: socket.socket, conn: socket.socket, pages: _Pages) -> None:
    conn.settimeout(10)
    fds: list[int] = []
    try:
        request, fds = _receive(conn)
        if request is None:
            raise ValueError("an empty request")
        page = settings.page_fork(request.get("env") or {})
        closing = [server, conn, *pages.channels()]
        if page is not None:
            reply = pages.kernel(page, request, fds, closing)
        else:
            reply = {"pid": _fork_kernel(request, fds, closing)}
        conn.sendall(json.dumps(reply).encode())
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
    parent, pages = os.getppid(), _Pages()
    try:
        while os.getppid() == parent:  # the server gone: so is this process
            ready, _, _ = select.select([server], [], [], 1.0)
            if not ready:
                continue
            conn, _ = server.accept()
            with conn:
                try:
                    _serve_one(server, conn, pages)
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
