"""A kernel per visitor and not one more: ``kernel_lifecycle``, the application hook that installs kernels/.

policy.py   KernelPolicy: the caps and pool sizes (traitlets, config/voila.py), /proc/meminfo
watch.py    ContentWatch: per language, the last good content or broken (read off the event loop)
gate.py     Gate: admission (busy / updating pages) and the reaper (kernels of closed pages)
handler.py  the page handler that asks the gate first; the transform noting each request
pool.py     PoolKeeper: the preheated pools, per language for the explainer, refilled when calm
shares.py   fair shares: kernels and starts per client address (a waiting room still fits)

What of Voila and jupyter_server it wraps or reads is listed, and done, in ../patches.py.
"""

from __future__ import annotations

from tornado.ioloop import PeriodicCallback

from clinic_explainer.serving import template_filters
from clinic_explainer.serving.http import activity as patient_activity
from clinic_explainer.serving.http.routes import replace_handler
from clinic_explainer.serving.kernels.gate import Gate
from clinic_explainer.serving.kernels.handler import activity, admitting
from clinic_explainer.serving.kernels.policy import KernelPolicy
from clinic_explainer.serving.kernels.pool import PoolKeeper
from clinic_explainer.serving.kernels.watch import ContentWatch
from clinic_explainer.settings import EXPLAINER_NOTEBOOK

__all__ = ["kernel_lifecycle"]


def kernel_lifecycle(app, voila) -> Gate:
    """Application hook: admission control, reaper and pool care. The gate is built first (it
    wraps the kernel manager's start, connect and shutdown), then the keeper (it takes over the
    pool's refill and hand-out); the gate is ``app.settings["clinic_gate"]`` for later hooks."""
    from voila.tornado.handler import TornadoVoilaHandler

    policy = KernelPolicy(parent=voila)
    gate = Gate(voila, policy, ContentWatch(voila.log))
    patient_activity.patient_activity_only(voila.kernel_manager)  # widget traffic alone keeps no kernel alive
    gate.on_forget.append(patient_activity.forget)
    template_filters.WATCH = gate.watch  # the template's title and lang from the last good content
    gate.keeper = PoolKeeper(voila.kernel_manager, gate, policy, voila.log)
    if not replace_handler(app, TornadoVoilaHandler, lambda cls: admitting(cls, gate)):
        raise RuntimeError("Voila's page handler was not found: no admission control")
    app.settings["clinic_gate"] = gate
    noted = activity(gate)
    app.transforms.insert(0, noted)
    app.settings.setdefault("clinic_request_hooks", []).append(noted.note)  # hot files (http/caching.py)
    PeriodicCallback(gate.look, policy.reap_interval * 1000).start()
    voila.log.info("Admission: at most %d live kernels (pool included), %d pages starting one at once, "
                   "%d MB kept free; %d preheated for the explainer", policy.cap(), policy.starting_cap(),
                   policy.min_free_mb, gate.keeper.targets.get(EXPLAINER_NOTEBOOK, 0))
    return gate
