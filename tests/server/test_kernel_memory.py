"""A patient kernel's memory limit (serving/patient_ipykernel.py, issue 20), on a real kernel over
loopback: a normal visit's downloads pass with room to spare, a gigabyte is refused at once (no
hang) and the kernel answers afterwards with its memory given back."""

from __future__ import annotations

import os
import time
from pathlib import Path

from jupyter_client.manager import KernelManager

from clinic_explainer.settings import KERNEL_MEMORY_ENV, KERNEL_MEMORY_MB

MB = 1024 * 1024

VISIT = """
import resource, time
from datetime import datetime, timedelta
from clinic_explainer import content as content_mod
from clinic_explainer.models.timeline import RecoveryTimeline
from clinic_explainer.takehome.calendar import build_ics
from clinic_explainer.takehome.handout import appointment_pdf, handout_pdf
c = content_mod.load()
treated = datetime.now() - timedelta(days=3)
start = time.perf_counter()
files = [build_ics(RecoveryTimeline(c).dated(treated), c), handout_pdf(c, treated_at=treated), handout_pdf(c),
         appointment_pdf(c, ticked=["x"], answers=[], tell=[], faq=[], questions="Will it hurt?\\n" * 140)]
took = time.perf_counter() - start
data_mb = int(open("/proc/self/status").read().split("VmData:")[1].split()[0]) // 1024
print("VISIT", resource.getrlimit(resource.RLIMIT_DATA)[0], len(files), round(took, 2), data_mb)
"""


def run(kc, code: str, timeout: float = 60) -> tuple[str, str]:
    """(status, stdout) of one execution; fails if no reply comes within ``timeout``."""
    out = []
    reply = kc.execute_interactive(code, timeout=timeout,
                                   output_hook=lambda m: out.append(m["content"].get("text", "")
                                                                   if m["msg_type"] == "stream" else ""))
    content = reply["content"]
    return content["status"] + (":" + content.get("ename", "") if content["status"] == "error" else ""), "".join(out)


def test_a_visit_fits_and_a_gigabyte_is_refused_without_a_hang(tmp_path, monkeypatch):
    monkeypatch.delenv(KERNEL_MEMORY_ENV, raising=False)  # the shipped limit
    from jupyter_client.kernelspec import KernelSpecManager

    from clinic_explainer.serving import patient_ipykernel

    kernels = Path(patient_ipykernel.__file__).parent / "jupyter_data" / "kernels"  # Voila's patient kernelspec
    km = KernelManager(kernel_name="python3", kernel_spec_manager=KernelSpecManager(kernel_dirs=[str(kernels)]))
    assert "patient_ipykernel" in " ".join(km.kernel_spec.argv)
    km.start_kernel(env={**os.environ, "CLINIC_EXPLAINER_MODE": "patient"})
    kc = km.client()
    kc.start_channels()
    try:
        kc.wait_for_ready(timeout=60)
        status, out = run(kc, VISIT, timeout=120)
        assert status == "ok", out
        limit, files, took, data_mb = out.split("VISIT")[1].split()
        assert int(limit) == KERNEL_MEMORY_MB * MB and files == "4"
        assert int(data_mb) * 2 <= KERNEL_MEMORY_MB, data_mb  # a normal visit uses under half the limit

        start = time.monotonic()
        status, _ = run(kc, "x = bytearray(1024 ** 3)", timeout=30)  # a gigabyte at once
        assert status == "error:MemoryError"
        status, _ = run(kc, "x = [bytearray(4 * 1024 ** 2) for _ in range(256)]", timeout=30)  # a gigabyte by steps
        assert status == "error:MemoryError"
        refused_in = time.monotonic() - start
        assert refused_in < 20, refused_in
        status, out = run(kc, "x = None; import gc; gc.collect(); "
                              "print(int(open('/proc/self/status').read().split('VmRSS:')[1].split()[0]) // 1024)")
        assert status == "ok" and int(out) < KERNEL_MEMORY_MB // 2, out  # answers, memory given back
        print(f"\nkernel memory limit {KERNEL_MEMORY_MB} MB: a visit's four downloads in {took} s at {data_mb} MB "
              f"(VmData); a gigabyte refused twice in {refused_in:.1f} s; resident afterwards {int(out)} MB")
    finally:
        kc.stop_channels()
        km.shutdown_kernel(now=True)
