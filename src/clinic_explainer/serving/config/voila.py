# Voila and server settings for `make serve` (read by clinic_explainer.serving.app).
# A Python config file rather than voila.json so that every setting carries its reason.
# Command-line flags still win over this file (the benchmarks use that).
# ruff: noqa: F821  (traitlets provides `c`)

# --- what a patient sees -------------------------------------------------------------
c.VoilaConfiguration.template = "clinic"           # our template: text first, no CDN links
c.VoilaConfiguration.theme = "light"               # one theme, no dark-theme CSS to ship
c.VoilaConfiguration.show_tracebacks = False       # a patient never sees a traceback
c.VoilaConfiguration.strip_sources = True          # the notebook's code never reaches the page
c.VoilaConfiguration.allow_template_override = "NO"  # an unknown ?template= hangs and leaks a kernel
c.VoilaConfiguration.allow_theme_override = "NO"   # the page looks as the clinic decided
# the template's <title>, lang and share preview come from content/ (serving/template_filters.py)
c.VoilaExporter.filters = {
    "ce_page_title": "clinic_explainer.serving.template_filters.page_title",
    "ce_page_lang": "clinic_explainer.serving.template_filters.page_lang",
    "ce_page_meta": "clinic_explainer.serving.template_filters.page_meta",  # share preview
    "ce_lean_output": "clinic_explainer.serving.template_filters.lean_output",
    "ce_voila_chunks": "clinic_explainer.serving.template_filters.voila_chunks",  # http/chunks.py
}

# --- only the bytes a page needs -------------------------------------------------------------
# the only federated extensions the pages use (not jupyterlab_pygments: no code is shown)
c.VoilaConfiguration.extension_allowlist = ["@jupyter-widgets/jupyterlab-manager", "@voila-dashboards/widgets-manager8"]
from clinic_explainer.serving.http.caching import page_config  # noqa: E402
# Voila's unversioned chunks are asked for under a versioned path, so they can be cached for good
c.VoilaConfiguration.page_config_hook = page_config

# --- kernels: one per visit (~100 MB), so they must not pile up ---------------------------
c.MappingKernelManager.cull_idle_timeout = 1800    # a kernel idle 30 min is shut down
c.MappingKernelManager.cull_interval = 120         # look for idle kernels every 2 min
from clinic_explainer.serving.cell_timeout import cell_timeout  # noqa: E402
# a stuck cell stops after 60 s (words: http/security.py); not the first cell, where a pooled
# kernel waits for its visitor for as long as it sits in the pool
c.VoilaExecutor.timeout_func = cell_timeout
c.KernelRestarter.time_to_dead = 1.0               # a crashed kernel is noticed within 1 s (kernels/gate.py shuts it down)
c.MappingKernelManager.cull_connected = True       # an idle open tab too: its page says it paused (kernel-watch.js)
# kernels talk to the server over Unix sockets in Voila's private folder, not loopback TCP ports:
# a port picked as free could be taken by a visitor's connection before the kernel bound it (a
# crowd of 100 lost kernels so), and no other local user can reach a kernel's sockets
c.KernelManager.transport = "ipc"
# one event logger and one read of each kernelspec for all kernels (serving/kernel_manager.py)
c.VoilaKernelManager.kernel_manager_class = "clinic_explainer.serving.kernel_manager.PatientKernelManager"

# --- preheating (benchmarks/bench_serving.py: about a third faster to a rendered page) ---
c.VoilaConfiguration.preheat_kernel = True         # keep executed kernels ready for first pages
from clinic_explainer.settings import POOLS  # noqa: E402
# one ready kernel for the pages patients open first (settings.POOLS); none for the others, so
# memory does not grow with the number of notebooks. The explainer's pool is deeper: its size comes
# from KernelPolicy.patient_pool (serving/kernels/pool.py: derived from the memory, refilled when calm)
c.VoilaKernelManager.kernel_pools_config = {"default": {"pool_size": 0},
                                            **{notebook: {"pool_size": size} for notebook, size in POOLS.items()}}

# --- the server ------------------------------------------------------------------------
c.Voila.open_browser = False                       # a server, not a desktop app
c.Voila.ip = "127.0.0.1"                           # this machine only; --ip 0.0.0.0 for a LAN tablet
