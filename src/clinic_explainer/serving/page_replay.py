"""A page run once, without a kernel, and played back by the kernels forked from it (issue 19).

A page process of the fork server (kernel_forks.py) runs a notebook's code cells here, in a
plain IPython shell that records what each cell displays, before any kernel exists. Its
widgets are made then: ipykernel's comms made with no kernel send nothing and are kept in the
one comm manager of the process (``ipykernel.ipkernel._get_comm_manager``), which the kernel
of every fork then uses: the fork's kernel owns the widgets, their comms and their callbacks,
with nothing to rebuild, and shares nothing with any other fork (copy on write).

Their model ids are numbered from the page's id (``model_id_prefix``), so the server can tell
a page rendered from this recording from one a kernel ran for real (kernels/stamps.py), and a
kernel forked from this recording fits the server's copy of that page.

``install_replay`` then makes each recorded cell, when Voila asks a forked kernel to run it,
publish what it displayed (the same messages, the same model ids) instead of running again:
the one render per page the server does to keep a copy of the page costs the kernel nothing.

**The widgets' states, built once.** A visitor's widget client first asks its kernel for every
widget's state (ipywidgets' ``request_states``: about 130 KB for the explainer, 20 ms of the
kernel's CPU, as ipywidgets builds it twice). A fresh copy's widgets are the page process's,
so the page process builds that answer once (``widget_states``) and each copy sends it as it
is, as long as no widget of the copy has changed or been made or closed since the fork
(``answer_states``); after that, ipywidgets answers as usual. This reaches into ipywidgets
8.1 (its control comm's handler, ``Widget.notify_change``, ``_instances``, ``_remove_buffers``):
tests/unit/serving/test_page_forks.py checks the answer against ipywidgets' own.
"""

from __future__ import annotations

import contextlib
import io
import json
import sys
import uuid
from pathlib import Path

from IPython.core.displayhook import DisplayHook
from IPython.core.displaypub import DisplayPublisher
from IPython.core.interactiveshell import InteractiveShell
from traitlets import Type
from traitlets.config import Config

PAGE_ID_DIGITS = 24  # a page's id: 24 hex digits; its widgets' ids add 8 more (a uuid's 32)
REPLAY = "__clinic_replay__"
_IPYTHON_NAMES = {"In", "Out", "exit", "quit", "get_ipython"}


class PageFailed(Exception):
    """A cell of the page raised: the page is not recorded (its kernels run it for real)."""


def model_id_prefix(page_id: str) -> str:
    return page_id[:PAGE_ID_DIGITS]


class _Numbered:
    """``uuid.uuid4`` for comm ids while a page runs: the page's id, then a count."""

    def __init__(self, page_id: str):
        self.prefix, self.count = model_id_prefix(page_id), 0

    def uuid4(self) -> uuid.UUID:
        self.count += 1
        return uuid.UUID(hex=f"{self.prefix}{self.count:08x}")


class _Publisher(DisplayPublisher):
    outputs: list

    def publish(self, data, metadata=None, source=None, *, transient=None, update=False, **kwargs):
        self.outputs.append({"kind": "display", "data": data, "metadata": metadata or {},
                             "transient": transient or {}, "update": bool(update)})

    def clear_output(self, wait=False):
        self.outputs.append({"kind": "clear", "wait": bool(wait)})


class _Hook(DisplayHook):
    outputs: list

    def write_output_prompt(self):
        pass

    def write_format_data(self, format_dict, md_dict=None):
        self.outputs.append({"kind": "result", "data": format_dict, "metadata": md_dict or {}})

    def finish_displayhook(self):
        pass


class _Stream(io.TextIOBase):
    def __init__(self, name: str, outputs: list):
        self.name, self.outputs = name, outputs

    def write(self, text: str) -> int:
        if text:
            self.outputs.append({"kind": "stream", "name": self.name, "text": text})
        return len(text)


class RecordingShell(InteractiveShell):
    """IPython without a kernel, recording what each cell displays (no history, no file)."""

    displayhook_class = Type(_Hook)
    display_pub_class = Type(_Publisher)


def code_cells(notebook: Path) -> list[str]:
    """The sources of a notebook's code cells, as Voila sends them to the kernel."""
    cells = json.loads(notebook.read_text(encoding="utf-8"))["cells"]
    sources = ["".join(c["source"]) if isinstance(c["source"], list) else c["source"]
               for c in cells if c.get("cell_type") == "code"]
    return [s for s in sources if s.strip()]


def run_page(notebook: Path, page_id: str) -> tuple[list[tuple[str, list[dict]]], dict, tuple]:
    """Run the notebook's code cells once: (source, outputs) per cell, the names it defined,
    and its widgets' states (``widget_states``)."""
    import comm.base_comm

    shell = RecordingShell.instance(config=Config({"HistoryManager": {"enabled": False}}))
    recording: list[tuple[str, list[dict]]] = []
    real_uuid = comm.base_comm.uuid
    comm.base_comm.uuid = _Numbered(page_id)  # the comms' ids (= the widgets' model ids) only
    try:
        for source in code_cells(notebook):
            outputs: list[dict] = []
            shell.display_pub.outputs = shell.displayhook.outputs = outputs
            with contextlib.redirect_stdout(_Stream("stdout", outputs)), \
                    contextlib.redirect_stderr(_Stream("stderr", outputs)):
                result = shell.run_cell(source, store_history=False)
            if not result.success:
                raise PageFailed(f"cell {len(recording) + 1}: {type(result.error_in_exec or result.error_before_exec).__name__}")
            recording.append((source, outputs))
    finally:
        comm.base_comm.uuid = real_uuid
    names = {k: v for k, v in shell.user_ns.items() if not k.startswith("_") and k not in _IPYTHON_NAMES}
    return recording, names, widget_states()


def widget_states() -> tuple[dict, list, int]:
    """ipywidgets' answer to ``request_states`` for the widgets of this process (as its
    ``Widget._handle_control_comm_msg`` builds it): the message, its buffers, the widget count."""
    from ipywidgets.widgets.widget import _instances, _remove_buffers

    full = {widget.model_id: {"model_name": widget._model_name, "model_module": widget._model_module,
                              "model_module_version": widget._model_module_version,
                              "state": widget.get_state(drop_defaults=False)}
            for widget in _instances.values()}
    states, paths, buffers = _remove_buffers(full)
    return {"method": "update_states", "states": states, "buffer_paths": paths}, buffers, len(_instances)


def answer_states(kernel, snapshot: tuple[dict, list, int]) -> None:
    """In a fork: a ``request_states`` of a copy whose widgets are still the page's is answered
    with the page process's ``snapshot``; once a widget has changed (or been made or closed),
    ipywidgets answers itself."""
    from ipywidgets.widgets.widget import Widget, _instances

    message, buffers, count = snapshot
    changed: list[bool] = []
    notify = Widget.notify_change

    def notify_change(self, change):  # the first change of any widget makes the snapshot stale
        changed.append(True)
        Widget.notify_change = notify
        return notify(self, change)

    Widget.notify_change = notify_change

    def opened(comm, msg):
        Widget.handle_control_comm_opened(comm, msg)  # checks the protocol, keeps the comm

        def on_msg(msg):
            pristine = not changed and len(_instances) == count
            if pristine and msg["content"]["data"].get("method") == "request_states":
                comm.send(message, buffers=buffers)
            else:
                Widget._handle_control_comm_msg(msg)

        comm.on_msg(on_msg)

    kernel.comm_manager.register_target("jupyter.widget.control", opened)


def forget_shell() -> None:
    """In a fork: the recording shell gives way to the kernel's own (IPython keeps one)."""
    RecordingShell.clear_instance()


class _Result:
    """A recorded cell result, displayed again as the same execute_result."""

    def __init__(self, data: dict, metadata: dict):
        self.data, self.metadata = data, metadata

    def _repr_mimebundle_(self, include=None, exclude=None):
        return self.data, self.metadata


def _replay(outputs: list[dict]):
    from IPython.display import clear_output, publish_display_data

    result = None
    for out in outputs:
        kind = out["kind"]
        if kind == "display":
            publish_display_data(out["data"], out["metadata"], transient=out["transient"] or None,
                                 update=out["update"])
        elif kind == "clear":
            clear_output(wait=out["wait"])
        elif kind == "stream":
            (sys.stdout if out["name"] == "stdout" else sys.stderr).write(out["text"])
        elif kind == "result":
            result = _Result(out["data"], out["metadata"])
    return result


def install_replay(kernel, recording: list[tuple[str, list[dict]]], names: dict, states: tuple) -> None:
    """In a forked kernel: a recorded cell, asked for again, is played back, not run; any other
    code runs as usual. The page's names (``page``) are the kernel's, as if it had run the page;
    its widgets' states are sent as the page process built them (``answer_states``)."""
    # made before any kernel, the page's comms have none; ipywidgets sends nothing on a comm
    # without one (Widget._send): they are this kernel's now
    for page_comm in kernel.comm_manager.comms.values():
        page_comm.kernel = kernel
    calls = {source: f"{REPLAY}({index})" for index, (source, _) in enumerate(recording)}
    outputs = [cell for _, cell in recording]
    kernel.shell.user_ns.update(names)
    kernel.shell.user_ns[REPLAY] = lambda index: _replay(outputs[index])
    run = kernel.do_execute

    async def do_execute(code, *args, **kwargs):
        return await run(calls.get(code, code), *args, **kwargs)

    kernel.do_execute = do_execute
    answer_states(kernel, states)
