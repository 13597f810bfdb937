"""Patients' kernels forked from the fork server (serving/kernel_forks.py), driven with
jupyter_client as Voila drives them (through the kernelspec's provisioner,
serving/kernel_provisioner.py): a kernel per visitor with nothing of another's, its widgets
working, gone when killed or when its server ends, and started as before without a fork server."""

from __future__ import annotations

import logging
import os
import subprocess
import time
from pathlib import Path

from jupyter_client import KernelManager
from jupyter_client.kernelspec import KernelSpecManager

from clinic_explainer.serving import kernel_forks, patient_ipykernel
from clinic_explainer.serving.kernel_provisioner import ENDED, ForkedProcess, ask_fork_server

KERNELS = Path(patient_ipykernel.__file__).parent / "jupyter_data" / "kernels"




def _kernel() -> KernelManager:
    km = KernelManager(kernel_name="python3", kernel_spec_manager=KernelSpecManager(kernel_dirs=[str(KERNELS)]))
    km.start_kernel()
    kc = km.client()
    kc.start_channels()
    kc.wait_for_ready(timeout=60)
    km.kc = kc
    return km


def _run(km, code: str) -> str:
    out = []
    reply = km.kc.execute_interactive(code, timeout=60, output_hook=lambda m: out.append(
        m["content"].get("text", "") if m["msg_type"] == "stream" else ""))
    assert reply["content"]["status"] == "ok", reply["content"]
    return "".join(out).strip()


def _stop(km) -> None:
    km.kc.stop_channels()
    km.shutdown_kernel(now=True)


def _parent_of(pid: int) -> int:
    return int(Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[1])


def test_kernels_are_forks_that_share_no_state_and_their_widgets_work(forks):
    a, b = _kernel(), _kernel()
    try:
        pid_a, pid_b = int(_run(a, "import os; print(os.getpid())")), int(_run(b, "import os; print(os.getpid())"))
        assert pid_a != pid_b and _parent_of(pid_a) == forks.pid == _parent_of(pid_b)
        assert pid_a == a.provisioner.process.pid  # no process between jupyter_client and the kernel
        assert isinstance(a.provisioner.process, ForkedProcess)
        # a patient's answers and widgets stay in their own kernel; none comes from the fork server
        count = "import warnings; warnings.simplefilter('ignore'); print(len(w.Widget.widgets))"
        _run(a, "import ipywidgets as w; from clinic_explainer.views import timeline; treated = '2026-12-01'")
        assert _run(a, count) == "0"
        _run(a, "s = w.IntSlider(value=7)")
        _run(b, "import ipywidgets as w")
        assert _run(b, count) == "0" and _run(b, "print('treated' in globals())") == "False"
        assert int(_run(a, count)) > 0
        # each fork draws its own random numbers (reseeded), and its widgets' comm targets exist
        assert _run(a, "import random; print(random.random())") != _run(b, "import random; print(random.random())")
        a.kc.comm_info()
        targets = a.kc.get_shell_msg(timeout=10)
        a.kc.comm_info(target_name="jupyter.widget.control")
        control = a.kc.get_shell_msg(timeout=10)["content"]
        assert targets["content"]["status"] == "ok" and control["status"] == "ok"
        assert _run(a, "print(sorted(get_ipython().kernel.comm_manager.targets))").count("jupyter.widget") == 2
    finally:
        _stop(a)
        _stop(b)


def _gone(pid: int, seconds: float = 5) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline and Path(f"/proc/{pid}").exists():
        time.sleep(0.05)
    return not Path(f"/proc/{pid}").exists()


def test_a_kernel_is_killed_as_any_and_ends_with_its_server(forks, tmp_path):
    km = _kernel()
    pid = int(_run(km, "import os; print(os.getpid())"))
    assert Path(f"/proc/{pid}/comm").read_text().strip() == Path(km.connection_file).stem[:15]  # ps names it
    km.kc.stop_channels()
    km.shutdown_kernel(now=True)  # SIGKILL, by its pidfd
    assert _gone(pid), "the forked kernel outlived its shutdown"
    # the server that asked for a kernel ends (its end of the life pipe closes): so does the kernel
    connection = tmp_path / "kernel-lifepipe.json"
    process = ask_fork_server(["-f", str(connection)], dict(os.environ), str(tmp_path))
    assert process is not None and process.poll() is None
    os.close(process._life)
    process._life = None
    assert _gone(process.pid), "the forked kernel outlived the server that asked for it"
    assert process.poll() == ENDED


def test_without_a_fork_server_a_kernel_starts_as_before(monkeypatch, tmp_path):
    monkeypatch.setenv(kernel_forks.SOCKET_ENV, str(tmp_path / "nobody.sock"))
    km = _kernel()
    try:
        pid = int(_run(km, "import os; print(os.getpid())"))
        assert pid == km.provisioner.process.pid  # the kernel itself, no stand-in
        assert _run(km, "import ipywidgets as w; print(w.IntSlider(value=3).value)") == "3"
    finally:
        _stop(km)


def test_the_fork_server_leaves_nothing_behind():
    saved = os.environ.get(kernel_forks.SOCKET_ENV)
    proc = kernel_forks.start(logging.getLogger("test"))
    folder = Path(os.environ[kernel_forks.SOCKET_ENV]).parent
    assert oct(folder.stat().st_mode & 0o777) == "0o700"
    proc.terminate()  # as when the server was killed and stop() never ran
    proc.wait(10)
    assert not folder.exists()
    os.environ.pop(kernel_forks.SOCKET_ENV, None)
    if saved is not None:
        os.environ[kernel_forks.SOCKET_ENV] = saved


def test_a_kernel_is_watched_however_many_descriptors_the_server_holds():
    held = [os.open(os.devnull, os.O_RDONLY) for _ in range(1100)]  # a busy server: past select()'s 1024
    try:
        child = subprocess.Popen(["sleep", "0.5"])
        _, life = os.pipe()
        process = ForkedProcess(child.pid, life)
        assert process._pidfd > 1024 and process.poll() is None
        child.wait()
        assert process.wait(5) == ENDED and process.poll() == ENDED
    finally:
        for fd in held:
            os.close(fd)
