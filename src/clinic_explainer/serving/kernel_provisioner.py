"""``ForkedProvisioner``: how jupyter_client gets a patient's kernel from the fork server.

The patients' kernelspec (jupyter_data/kernels/python3) names this provisioner. Instead of
starting ``python -m clinic_explainer.serving.patient_ipykernel -f <connection file>``, it asks
the server's fork server (kernel_forks.py) for that kernel over its Unix socket, with the
kernel's argv, environment and folder, and stands for the forked process itself: no process of
its own per kernel (the stand-in it replaces cost each visit 0.04 CPU-seconds and 8 MB).

- **The process** (``ForkedProcess``) is held by a pidfd: signals go to that very process
  (never to a reused pid), and its end is seen when the pidfd becomes readable. It is not
  this process's child (the fork server's is), so its exit status is not known: an ended kernel
  reads as ``ENDED``.
- **Its life pipe**: this process holds the write end. When the server ends, however it
  ends, the pipe closes and every kernel it was given ends at once.
- **No fork server** (not started, crashed, or switched off): the kernel starts as a process
  of its own, as before (LocalProvisioner), without asking again.
- **A copy of a kept page** (kernels/stamps.py, role "stamp") must come from its page
  process: if the fork server has none, ``PageGone`` is raised and no kernel starts (one
  without the page would not fit the page the visitor gets).
"""

from __future__ import annotations

import json
import os
import select
import signal
import socket
import sys
from typing import Any

from jupyter_client.provisioning import LocalProvisioner

from clinic_explainer.settings import FORK_SOCKET_ENV as SOCKET_ENV
from clinic_explainer.settings import page_fork

ASK_SECONDS = 10
PAGE_SECONDS = 90  # a render kernel's page may have to run first (kernel_forks.PAGE_SECONDS)
ENDED = -1  # the exit status of a forked kernel, which is not this process's child


class PageGone(RuntimeError):
    """The fork server has no page process for a copy's page (see kernels/stamps.py)."""


class ForkedProcess:
    """The part of ``subprocess.Popen`` jupyter_client uses, for a process that is not ours."""

    stdin = stdout = stderr = None

    def __init__(self, pid: int, life: int):
        self.pid, self.returncode, self._life = pid, None, life
        try:
            self._pidfd = os.pidfd_open(pid)
        except ProcessLookupError:  # ended already
            self._pidfd = None
            self._ended()

    def _ended(self) -> int:
        if self.returncode is None:
            self.returncode = ENDED
            for fd in (self._pidfd, self._life):
                if fd is not None:
                    os.close(fd)
            self._pidfd = self._life = None
        return self.returncode

    def _readable(self, timeout: float | None) -> bool:
        """The pidfd says the process ended (poll, not select: a busy server's descriptors pass 1024)."""
        watch = select.poll()
        watch.register(self._pidfd, select.POLLIN)
        return bool(watch.poll(None if timeout is None else timeout * 1000))

    def poll(self) -> int | None:
        if self.returncode is None and self._readable(0):
            self._ended()
        return self.returncode

    def wait(self, timeout: float | None = None) -> int:
        if self.returncode is None:
            if not self._readable(timeout):
                raise TimeoutError(f"kernel {self.pid} still running")
            self._ended()
        return self.returncode

    def send_signal(self, signum: int) -> None:
        if self.poll() is None:
            signal.pidfd_send_signal(self._pidfd, signum)

    def terminate(self) -> None:
        self.send_signal(signal.SIGTERM)

    def kill(self) -> None:
        self.send_signal(signal.SIGKILL)


def ask_fork_server(argv: list[str], env: dict, cwd: str) -> ForkedProcess | None:
    """The kernel ``argv`` (its ``-f <connection file>``) forked by the fork server; None when
    there is none to ask (or it could not fork). Blocking: called off the event loop."""
    path = env.get(SOCKET_ENV)
    page = page_fork(env)
    if not path:
        if page is not None and page["role"] == "stamp":
            raise PageGone(page["family"])
        return None
    life_read, life_write = os.pipe()
    stdin = os.open(os.devnull, os.O_RDONLY)
    try:
        with socket.socket(socket.AF_UNIX, socket.SOCK_SEQPACKET) as conn:
            conn.settimeout(PAGE_SECONDS if page else ASK_SECONDS)
            conn.connect(path)
            request = {"argv": argv, "env": env, "cwd": cwd}
            socket.send_fds(conn, [json.dumps(request).encode()],
                            [stdin, sys.stdout.fileno(), sys.stderr.fileno(), life_read])
            reply = json.loads(conn.recv(4096) or b"{}")
    except (OSError, ValueError):
        reply = {}
    finally:
        os.close(life_read)
        os.close(stdin)
    pid = reply.get("pid")
    if not isinstance(pid, int):
        os.close(life_write)
        if page is not None and page["role"] == "stamp":
            raise PageGone(page["family"])
        return None
    os.set_inheritable(life_write, False)
    return ForkedProcess(pid, life_write)


class ForkedProvisioner(LocalProvisioner):
    """LocalProvisioner whose kernel process is forked by the fork server when there is one."""

    async def launch_kernel(self, cmd: list[str], **kwargs: Any):
        import asyncio

        env = dict(kwargs.get("env") or os.environ)
        cwd = str(kwargs.get("cwd") or os.getcwd())
        argv = cmd[cmd.index("-m") + 2:] if "-m" in cmd else cmd[1:]
        loop = asyncio.get_running_loop()
        process = await loop.run_in_executor(None, ask_fork_server, argv, env, cwd) \
            if env.get(SOCKET_ENV) or page_fork(env) else None
        if process is None:  # a kernel of its own, as before (it does not ask again)
            env.pop(SOCKET_ENV, None)
            return await super().launch_kernel(cmd, **{**kwargs, "env": env})
        # what LocalProvisioner.launch_kernel records; no process group (the kernel shares the
        # fork server's), so signals go to the kernel alone
        self.process, self.pid, self.pgid, self.cwd = process, process.pid, None, cwd
        return self.connection_info
