"""The preheated pool's keeper (serving/kernels/pool.py) against a stand-in of Voila's kernel manager."""

from __future__ import annotations

import logging
import time
from concurrent.futures import Future
from datetime import datetime, timedelta, timezone
from types import SimpleNamespace

from clinic_explainer.serving.kernels.policy import KernelPolicy
from clinic_explainer.serving.kernels.pool import EXPLAINER, PoolKeeper

LONG_AGO = datetime(2020, 1, 1, tzinfo=timezone.utc)


class FakeKernelManager:
    """What the keeper uses of Voila's pooled kernel manager; fill_if_needed as Voila's:
    appends a starting kernel for each missing one up to the notebook's pool_size."""

    def __init__(self, config):
        self.kernel_pools_config = config
        self._pools, self._kernels, self.notebook_data, self.fills = {}, {}, {}, []

    def fill_if_needed(self, delay=None, notebook_name=None, extra_kernel_env_variables=None, **kwargs):
        pool = self._pools.setdefault(notebook_name, [])
        self.notebook_data[notebook_name] = {"template": "clinic"}
        for _ in range(self.kernel_pools_config[notebook_name]["pool_size"] - len(pool)):
            future = Future()
            future.env = extra_kernel_env_variables or {}
            pool.append(future)
            self.fills.append(notebook_name)

    def finish(self, key, ok=True):
        """The oldest starting kernel of pool ``key`` is ready (or failed)."""
        future = next(f for f in self._pools[key] if not f.done())
        if ok:
            kernel_id = f"k{len(self._kernels)}"
            self._kernels[kernel_id] = SimpleNamespace(last_activity=LONG_AGO)
            future.set_result({"kernel_id": kernel_id})
        else:
            future.set_exception(RuntimeError("kernel died while starting"))

    def list_kernel_ids(self):
        return list(self._kernels)


class FakeWatch:
    """ContentWatch's surface the keeper reads: languages broken on their own."""

    def __init__(self, good=None, broken=()):
        self.good, self.broken_locales = good, set(broken)

    def locales(self):
        return ["en", "es"]

    def is_broken(self, lang=None):
        return (lang or "en") in self.broken_locales

    @property
    def broken(self):
        return self.is_broken()


def keeper(pool=4, parallel=2, cap=100, calm=2.0):
    km = FakeKernelManager({"default": {"pool_size": 0}, EXPLAINER: {"pool_size": 1},
                            "00_index.ipynb": {"pool_size": 1}})
    km.fill_if_needed(notebook_name=EXPLAINER)  # what Voila does when it starts
    km.fill_if_needed(notebook_name="00_index.ipynb")
    km.finish(EXPLAINER)
    km.finish("00_index.ipynb")
    policy = KernelPolicy(patient_pool=pool, refill_parallel=parallel, max_kernels=cap, refill_calm=calm)
    clinic = SimpleNamespace(clinic=SimpleNamespace(default_locale="en"))
    gate = SimpleNamespace(watch=FakeWatch(clinic),
                           rendering=0, last_request=0.0,
                           live=lambda: len(km.list_kernel_ids()), _visitor=lambda kernel_id: None,
                           on_asks_nothing=[])
    return PoolKeeper(km, gate, policy, logging.getLogger("test")), km, gate


EXPLAINER_ES = EXPLAINER + "?lang=es"


def test_the_explainer_pool_is_as_deep_as_the_policy_says_and_voila_refills_nothing():
    k, km, _ = keeper(pool=8)
    # the clinic's language gets the pool; each other language a quarter of it
    assert k.targets == {EXPLAINER: 8, EXPLAINER_ES: 2, "00_index.ipynb": 1}
    km.fill_if_needed(delay=None, notebook_name=EXPLAINER)  # Voila's refill after a hand-out
    assert len(km._pools[EXPLAINER]) == 1 and km.fills == [EXPLAINER, "00_index.ipynb"]


def test_each_language_is_preheated_in_its_own_language():
    k, km, gate = keeper(pool=4, parallel=8)
    k.tick()
    assert [f.env for f in km._pools[EXPLAINER_ES]] == [{"CLINIC_EXPLAINER_LOCALE": "es"}]
    assert [f.env for f in km._pools[EXPLAINER][1:]] == [{"CLINIC_EXPLAINER_LOCALE": "en"}] * 3
    assert km.kernel_pools_config[EXPLAINER]["pool_size"] == 4  # restored after each fill
    assert k.key(EXPLAINER, "es") == EXPLAINER_ES
    assert k.key(EXPLAINER, None) == k.key(EXPLAINER, "en") == k.key(EXPLAINER, "xx") == EXPLAINER
    assert k.key("00_index.ipynb", "es") == "00_index.ipynb"  # one pool, that waits for the request


def test_refills_wait_for_calm_then_go_one_per_core_at_a_time():
    k, km, gate = keeper(pool=4, parallel=2)
    gate.last_request = time.monotonic()  # a request just came: the crowd first
    k.tick()
    assert len(km._pools[EXPLAINER]) == 1 and EXPLAINER_ES not in km._pools
    gate.last_request, gate.rendering = 0.0, 1  # a page still being sent
    k.tick()
    assert len(km._pools[EXPLAINER]) == 1
    gate.rendering = 0
    k.tick()
    starting = sum(not f.done() for pool in km._pools.values() for f in pool)
    assert starting == 2  # two at once, the smaller pool first
    assert len(km._pools[EXPLAINER_ES]) == 1 and len(km._pools[EXPLAINER]) == 2
    k.tick()
    assert sum(not f.done() for pool in km._pools.values() for f in pool) == 2  # both still starting
    km.finish(EXPLAINER_ES)
    km.finish(EXPLAINER)
    for _ in range(3):
        k.tick()
        for key in (EXPLAINER, EXPLAINER_ES):
            while any(not f.done() for f in km._pools.get(key, [])):
                km.finish(key)
    k.tick()
    assert len(km._pools[EXPLAINER]) == 4 and len(km._pools[EXPLAINER_ES]) == 1
    assert {EXPLAINER, EXPLAINER_ES} <= k._full


def test_no_refill_past_the_kernel_cap_or_from_broken_content():
    k, km, gate = keeper(pool=10, parallel=8, cap=4)
    k.tick()
    starting = sum(not f.done() for pool in km._pools.values() for f in pool)
    assert len(km.list_kernel_ids()) + starting <= 4
    k, km, gate = keeper(pool=4)
    gate.watch.broken_locales = {"en"}
    k.tick()
    assert len(km._pools[EXPLAINER]) == 1 and EXPLAINER_ES not in km._pools


def test_a_broken_language_waits_for_its_fix_and_the_others_are_refilled():
    k, km, gate = keeper(pool=4, parallel=8)
    gate.watch.broken_locales = {"es"}
    k.tick()
    assert EXPLAINER_ES not in km._pools and len(km._pools[EXPLAINER]) == 4
    gate.watch.broken_locales = set()
    k.tick()
    assert len(km._pools[EXPLAINER_ES]) == 1


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
    assert len(km._pools[EXPLAINER]) == 1


def test_a_page_takes_a_ready_kernel_of_its_language():
    k, km, _ = keeper(pool=3, parallel=8)
    k.tick()
    km.finish(EXPLAINER_ES)
    pool = km._pools[EXPLAINER]
    ready = pool[0]
    pool.insert(0, Future())  # a starting kernel ahead of the ready one
    k.ready_first(EXPLAINER)
    assert pool[0] is ready
    assert k.takes_from_pool(EXPLAINER, "es") and k.takes_from_pool(EXPLAINER, None)
    assert not k.takes_from_pool("01_how_it_works.ipynb")
    class Done(Future):  # awaitable, as Voila's pool entries (asyncio tasks) are
        def __await__(self):
            return self.result()
            yield

    for i, f in enumerate(km._pools[EXPLAINER_ES]):
        done = Done()
        done.set_result({**f.result(), "task": "task",
                         "renderer": SimpleNamespace(stop_generator=False, rendered_cache=["<p>es</p>"])})
        km._pools[EXPLAINER_ES][i] = done
    # driven by hand: the browser tests' Playwright may hold this thread's event loop
    hand_out = k.hand_out(EXPLAINER, {"VOILA_REQUEST_URL": "http://127.0.0.1/voila/render/patient_explainer.ipynb?lang=es"})
    try:
        hand_out.send(None)
    except StopIteration as done:
        task, cache, kernel_id = done.value
    else:
        raise AssertionError("the hand-out of a ready kernel waited")
    assert cache == ["<p>es</p>"] and km._pools[EXPLAINER_ES] == []
    assert not k.takes_from_pool(EXPLAINER, "es")  # that page starts a kernel of its own


def test_without_preheating_there_is_no_pool_to_keep():
    km = SimpleNamespace(_kernels={}, list_kernel_ids=lambda: [])  # Voila's plain kernel manager
    gate = SimpleNamespace(watch=FakeWatch(), rendering=0, last_request=0.0, live=lambda: 0)
    k = PoolKeeper(km, gate, KernelPolicy(), logging.getLogger("test"))
    k.tick()
    k.ready_first(EXPLAINER)
    assert k.targets == {} and not k.takes_from_pool(EXPLAINER)
