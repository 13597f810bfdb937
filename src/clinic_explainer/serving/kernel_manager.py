"""The manager of one patient kernel, as the server holds it: what a kernel start costs it.

In a crowd the server starts a kernel (a copy of the kept page, kernels/stamps.py) for almost
every visitor, and jupyter_server's ``ServerKernelManager`` spent about a third of the
server's CPU doing so (benchmarks/bench_load.py, 100 at once). Two of its costs were the same
work done again for every kernel:

- an event logger of its own, whose event schemas were loaded from YAML and validated anew
  each time: one logger serves every kernel here, its schemas registered once;
- the kernelspec read from disk: it ships with the server (jupyter_data/kernels), so it is
  read once per name.

Named by config/voila.py (``kernel_manager_class``); the upstream parts it relies on are in
patches.py's inventory.
"""

from __future__ import annotations

import zmq
from jupyter_server.services.kernels.kernelmanager import ServerKernelManager
from traitlets import default

from clinic_explainer.serving import patches


class PatientKernelManager(ServerKernelManager):
    @default("event_logger")
    def _one_event_logger(self):
        return patches.shared_event_logger(self)

    @property
    def kernel_spec(self):
        return patches.cached_kernel_spec(self)


# libzmq allows 1023 sockets a context by default; the server holds about five per live kernel
# and four more per open page, so a crowd of 200 ran out ("Too many open files": websockets
# closed with 1006). The process may hold 20,000 descriptors.
MAX_SOCKETS = 16384


def room_for_sockets(app, voila) -> None:
    """Application hook (before the event loop runs, so before the first kernel socket: libzmq
    sizes a context's socket table when its first socket is made)."""
    voila.kernel_manager.context.set(zmq.MAX_SOCKETS, MAX_SOCKETS)
