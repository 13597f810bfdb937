"""Pages run ahead (serving/page_replay.py, kernel_forks.py ``_Pages``): the explainer run once
in a page process, its render kernel playing the recording back, its copies forked with the
page's widgets, each visitor's answers in their own kernel only. Driven with jupyter_client as
Voila drives them."""

from __future__ import annotations

import datetime
import json
import os
import queue
import time
import uuid
from pathlib import Path

import pytest
from jupyter_client import KernelManager
from jupyter_client.kernelspec import KernelSpecManager

from clinic_explainer.serving import kernel_forks
from clinic_explainer.serving.kernel_provisioner import PageGone
from clinic_explainer.serving.page_replay import code_cells, model_id_prefix
from clinic_explainer.settings import EXPLAINER_NOTEBOOK, LOCALE_ENV, PAGE_FORK_ENV, PROJECT_ROOT
from tests.unit.serving.test_kernel_forks import _parent_of

KERNELS = Path(kernel_forks.__file__).parent / "jupyter_data" / "kernels"
NOTEBOOK = PROJECT_ROOT / "notebooks" / EXPLAINER_NOTEBOOK
VIEW = "application/vnd.jupyter.widget-view+json"




def _page(page_id: str, role: str, locale: str = "en") -> dict:
    return {**os.environ, LOCALE_ENV: locale, "VOILA_PREHEAT": "True",
            PAGE_FORK_ENV: json.dumps({"notebook": str(NOTEBOOK), "family": f"explainer|{locale}",
                                       "page": page_id, "role": role})}


def _kernel(env: dict) -> KernelManager:
    km = KernelManager(kernel_name="python3", kernel_spec_manager=KernelSpecManager(kernel_dirs=[str(KERNELS)]))
    km.start_kernel(env=env, cwd=str(NOTEBOOK.parent))
    km.kc = km.client()
    km.kc.start_channels()
    km.kc.wait_for_ready(timeout=90)
    return km


def _stop(*kms) -> None:
    for km in kms:
        km.kc.stop_channels()
        km.shutdown_kernel(now=True)


def _messages(km, until, seconds: float = 30) -> list[dict]:
    """The kernel's iopub messages up to (and with) the first one ``until`` accepts."""
    seen, deadline = [], time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            msg = km.kc.get_iopub_msg(timeout=1)
        except queue.Empty:
            continue
        seen.append(msg)
        if until(msg):
            return seen
    raise AssertionError(f"no such message within {seconds} s; saw {[m['msg_type'] for m in seen]}")


def _run_page(km) -> list[str]:
    """Voila's render: each code cell executed; the widget model ids the page shows."""
    shown = []
    for source in code_cells(NOTEBOOK):
        msg_id = km.kc.execute(source, store_history=False)
        for msg in _messages(km, lambda m, i=msg_id: m["parent_header"].get("msg_id") == i
                             and m["msg_type"] == "status" and m["content"]["execution_state"] == "idle"):
            assert msg["msg_type"] != "error", msg["content"]
            data = msg["content"].get("data", {})
            if msg["parent_header"].get("msg_id") == msg_id and VIEW in data:
                shown.append(data[VIEW]["model_id"])
    return shown


def _states(km) -> dict:
    """What the widget client asks a kernel first: every widget's state."""
    comm_id = uuid.uuid4().hex
    km.kc.shell_channel.send(km.kc.session.msg("comm_open", {
        "comm_id": comm_id, "target_name": "jupyter.widget.control", "data": {}}, metadata={"version": "1.0.0"}))
    km.kc.shell_channel.send(km.kc.session.msg("comm_msg", {"comm_id": comm_id, "data": {"method": "request_states"}}))
    found = _messages(km, lambda m: m["msg_type"] == "comm_msg" and m["content"]["comm_id"] == comm_id)
    return found[-1]["content"]["data"]["states"]


def _pid(km) -> int:
    out = []
    km.kc.execute_interactive("import os; print(os.getpid())", timeout=30,
                              output_hook=lambda m: out.append(m["content"].get("text", "")))
    return int("".join(out))


def test_a_page_runs_once_and_its_copies_hold_its_widgets_and_nothing_of_each_other(forks):
    page_id = uuid.uuid4().hex[:24]
    render = _kernel(_page(page_id, "render"))
    copies = []
    try:
        shown = _run_page(render)
        # the render kernel played back the page process's recording: its ids are the page's
        assert len(shown) >= 3 and all(i.startswith(model_id_prefix(page_id)) for i in shown)
        copies = [_kernel(_page(page_id, "stamp")) for _ in range(2)]
        a, b = copies
        pages = {_parent_of(_pid(km)) for km in (render, a, b)}
        assert len(pages) == 1 and _parent_of(pages.pop()) == forks.pid  # one page process, a fork server child
        states_a, states_b = _states(a), _states(b)
        assert set(shown) <= set(states_a) and set(states_a) == set(states_b)  # the page's widgets, same ids

        # a patient types their date in copy a (as the widget client sends it)
        picker = next(i for i, s in states_a.items() if s["model_name"] == "DatePickerModel")
        treated = datetime.date.today() - datetime.timedelta(days=3)
        a.kc.shell_channel.send(a.kc.session.msg("comm_msg", {"comm_id": picker, "data": {
            "method": "update", "buffer_paths": [],
            "state": {"value": {"year": treated.year, "month": treated.month - 1, "date": treated.day}}}}))
        answered = _messages(a, lambda m: m["msg_type"] == "comm_msg"
                             and "ce-your-dates" in json.dumps(m["content"]["data"]))
        assert answered, "the copy's widgets did not answer"
        # their dates are in copy a only: b, and a copy made after, show none
        later = _kernel(_page(page_id, "stamp"))
        copies.append(later)
        for other in (b, later):
            states = json.dumps(_states(other))
            assert "ce-your-dates" not in states and treated.isoformat() not in states
            value = _states(other)[picker]["state"]["value"]
            assert value is None
        assert "ce-your-dates" in json.dumps(_states(a))
    finally:
        _stop(render, *copies)


def test_a_copy_whose_page_process_is_gone_does_not_start(forks):
    km = KernelManager(kernel_name="python3", kernel_spec_manager=KernelSpecManager(kernel_dirs=[str(KERNELS)]))
    with pytest.raises(PageGone):
        km.start_kernel(env=_page(uuid.uuid4().hex[:24], "stamp", "es"), cwd=str(NOTEBOOK.parent))


def test_a_newer_page_retires_the_older_one_once_its_kernels_have_ended(forks):
    old = _kernel(_page(uuid.uuid4().hex[:24], "render", "es"))
    old_page = _parent_of(_pid(old))
    new = _kernel(_page(uuid.uuid4().hex[:24], "render", "es"))  # content edited, or a new day
    try:
        assert _parent_of(_pid(new)) != old_page
        time.sleep(1.5)
        assert Path(f"/proc/{old_page}").exists(), "the old page process left its kernel"
        _stop(old)
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline and Path(f"/proc/{old_page}").exists():
            time.sleep(0.1)
        assert not Path(f"/proc/{old_page}").exists(), "the retired page process stayed"
    finally:
        _stop(new)


def test_a_copy_sends_the_page_processs_widget_states_as_ipywidgets_builds_them(forks):
    """A fresh copy answers request_states with the states the page process built once
    (page_replay.answer_states): the same as ipywidgets' own answer from that kernel."""
    page_id = uuid.uuid4().hex[:24]
    render = _kernel(_page(page_id, "render"))
    copy = None
    try:
        copy = _kernel(_page(page_id, "stamp"))
        kept = _states(copy)
        copy.kc.execute("from ipywidgets.widgets.widget import Widget as _W\n"
                        "_W._handle_control_comm_msg({'content': {'data': {'method': 'request_states'}}})",
                        store_history=False)
        own = _messages(copy, lambda m: m["msg_type"] == "comm_msg"
                        and m["content"]["data"].get("method") == "update_states")[-1]["content"]["data"]["states"]
        assert len(kept) > 100 and kept == own
    finally:
        _stop(render, *([copy] if copy else []))
