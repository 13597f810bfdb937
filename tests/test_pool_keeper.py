"""The preheated pool's keeper (serving/pool.py) against a stand-in of Voila's kernel manager."""

from __future__ import annotations

import logging
import time
from concurrent.futures import Future
from datetime import datetime, timedelta, timezone
from types import SimpleNamespace

from clinic_explainer.serving.kernels import KernelPolicy
from clinic_explainer.serving.pool import EXPLAINER, PoolKeeper

LONG_AGO = datetime(2020, 1, 1, tzinfo=timezone.utc)


class FakeKernelManager:
    """What the keeper uses of Voila's pooled kernel manager; fill_if_needed as Voila's:
    appends a starting kernel for each missing one up to the notebook's pool_size."""

    def __init__(self, config):
        self.kernel_pools_config = config
        self._pools, self._kernels, self.notebook_data, self.fills = {}, {}, {}, []

    def fill_if_needed(self, delay=None, notebook_name=None, **kwargs):
        pool = self._pools.setdefault(notebook_name, [])
        self.notebook_data[notebook_name] = {"template": "clinic"}
        for _ in range(self.kernel_pools_config[notebook_name]["pool_size"] - len(pool)):
            pool.append(Future())
            self.fills.append(notebook_name)

    def finish(self, notebook, ok=True):
        """The oldest starting kernel of ``notebook`` is ready (or failed)."""
        future = next(f for f in self._pools[notebook] if not f.done())
        if ok:
            kernel_id = f"k{len(self._kernels)}"
            self._kernels[kernel_id] = SimpleNamespace(last_activity=LONG_AGO)
            future.set_result({"kernel_id": kernel_id})
        else:
            future.set_exception(RuntimeError("kernel died while starting"))

    def list_kernel_ids(self):
        return list(self._kernels)


def keeper(pool=4, parallel=2, cap=100, calm=2.0):
    km = FakeKernelManager({"default": {"pool_size": 0}, EXPLAINER: {"pool_size": 1},
                            "00_index.ipynb": {"pool_size": 1}})
    km.fill_if_needed(notebook_name=EXPLAINER)  # what Voila does when it starts
    km.fill_if_needed(notebook_name="00_index.ipynb")
    km.finish(EXPLAINER)
    km.finish("00_index.ipynb")
    policy = KernelPolicy(patient_pool=pool, refill_parallel=parallel, max_kernels=cap, refill_calm=calm)
    gate = SimpleNamespace(watch=SimpleNamespace(broken=False), rendering=0, last_request=0.0,
                           live=lambda: len(km.list_kernel_ids()))
    return PoolKeeper(km, gate, policy, logging.getLogger("test")), km, gate


def test_the_explainer_pool_is_as_deep_as_the_policy_says_and_voila_refills_nothing():
    k, km, _ = keeper(pool=4)
    assert k.targets == {EXPLAINER: 4, "00_index.ipynb": 1}
    km.fill_if_needed(delay=None, notebook_name=EXPLAINER)  # Voila's refill after a hand-out
    assert len(km._pools[EXPLAINER]) == 1 and km.fills == [EXPLAINER, "00_index.ipynb"]


def test_refills_wait_for_calm_then_go_one_per_core_at_a_time():
    k, km, gate = keeper(pool=4, parallel=2)
    gate.last_request = time.monotonic()  # a request just came: the crowd first
    k.tick()
    assert len(km._pools[EXPLAINER]) == 1
    gate.last_request, gate.rendering = 0.0, 1  # a page still being sent
    k.tick()
    assert len(km._pools[EXPLAINER]) == 1
    gate.rendering = 0
    k.tick()
    assert len(km._pools[EXPLAINER]) == 3  # two starting at once, not three
    k.tick()
    assert len(km._pools[EXPLAINER]) == 3  # both still starting
    km.finish(EXPLAINER)
    k.tick()
    assert len(km._pools[EXPLAINER]) == 4
    km.finish(EXPLAINER)
    km.finish(EXPLAINER)
    k.tick()
    assert len(km._pools[EXPLAINER]) == 4 and EXPLAINER in k._full


def test_no_refill_past_the_kernel_cap_or_from_broken_content():
    k, km, gate = keeper(pool=10, parallel=8, cap=4)
    k.tick()
    assert len(km.list_kernel_ids()) + sum(not f.done() for f in km._pools[EXPLAINER]) <= 4
    k, km, gate = keeper(pool=4)
    gate.watch.broken = True
    k.tick()
    assert len(km._pools[EXPLAINER]) == 1


def test_waiting_kernels_are_never_idle_for_the_culler():
    k, km, _ = keeper()
    k.tick()
    assert all(datetime.now(timezone.utc) - kernel.last_activity < timedelta(seconds=5)
               for kernel in km._kernels.values())


def test_a_failed_preheat_leaves_the_pool_and_is_tried_again():
    k, km, gate = keeper(pool=2, parallel=1)
    gate.last_request = time.monotonic()
    k._fill_one(EXPLAINER)
    km.finish(EXPLAINER, ok=False)
    k.tick()
    assert all(f.exception() is None for f in km._pools[EXPLAINER] if f.done())
    gate.last_request = 0.0
    k.tick()
    assert len(km._pools[EXPLAINER]) == 2 and km.fills.count(EXPLAINER) == 3


def test_a_page_takes_the_ready_kernel_before_one_still_starting():
    k, km, _ = keeper(pool=3)
    pool = km._pools[EXPLAINER]
    ready = pool[0]
    pool.insert(0, Future())  # a starting kernel ahead of the ready one
    k.ready_first(EXPLAINER)
    assert pool[0] is ready
    assert k.takes_from_pool(EXPLAINER) and not k.takes_from_pool("01_how_it_works.ipynb")


def test_without_preheating_there_is_no_pool_to_keep():
    km = SimpleNamespace(_kernels={}, list_kernel_ids=lambda: [])  # Voila's plain kernel manager
    gate = SimpleNamespace(watch=SimpleNamespace(broken=False), rendering=0, last_request=0.0, live=lambda: 0)
    k = PoolKeeper(km, gate, KernelPolicy(), logging.getLogger("test"))
    k.tick()
    k.ready_first(EXPLAINER)
    assert k.targets == {} and not k.takes_from_pool(EXPLAINER)
