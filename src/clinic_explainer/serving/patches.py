"""Every place the server reaches into Voila, jupyter_server, jupyter_client, nbconvert or tornado internals.

Each reach has an entry in ``INVENTORY``: the upstream target (dotted path), its package, why
we need it and where it is applied. Monkeypatches (an upstream method replaced or wrapped) and
reads of private attributes happen in this module's functions only; subclasses that override an
upstream method stay with their job (kernels/handler.py, http/ws_guard.py, http/security.py) and
are listed here. ``UPSTREAM`` says which versions this was written against: the unit tests
(tests/unit/serving/test_patches.py) fail when an installed version leaves that range or when a
target, its parameters or (for the few bodies we copy or rely on) its source changes, so an
upgrade starts here. Nothing of the package is imported: every layer of serving/ may use this.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass

from jupyter_server._tz import utcnow  # private module: the culler's own clock (INVENTORY)
from jupyter_server.services.kernels.kernelmanager import ServerKernelManager

# package -> (the version every entry was written against, the first version not checked)
UPSTREAM = {
    "voila": ("0.5.13", "0.5.14"),          # its kernel manager and handlers change within 0.5.x
    "jupyter_server": ("2.21.1", "2.22"),
    "jupyter_client": ("8.10.0", "8.11"),
    "nbconvert": ("7.17.2", "7.18"),
    "tornado": ("6.6.1", "6.7"),
}
KM = "voila.voila_kernel_manager.VoilaKernelManager"  # made by voila_kernel_manager_factory
MKM = "jupyter_server.services.kernels.kernelmanager.MappingKernelManager"


@dataclass(frozen=True)
class Patch:
    target: str               # dotted path; KM's methods live on the factory's class
    package: str              # key of UPSTREAM
    why: str
    where: str                # the function that applies it (and who calls that)
    params: tuple[str, ...] = ()  # parameters we call or override it with (inspect.signature)
    source_sha: str = ""      # sha256[:16] of its source, for bodies we copy or depend on inside
    text: tuple[str, ...] = ()  # for templates and settings keys: strings that must be in the target

    @property
    def version(self) -> str:
        return UPSTREAM[self.package][0]


INVENTORY = (
    # --- the kernel manager (kernels/): admission, reaping, the preheated pool ---------------
    Patch(f"{KM}.shutdown_kernel", "voila", "jupyter_server leaves a page's websocket open on a dead "
          "kernel; closing it is how the page learns at once that its widgets no longer answer",
          "wrap_kernel_manager (kernels/gate.py Gate.__init__)", ("kernel_id",)),
    Patch("jupyter_server.services.kernels.connection.channels.ZMQChannelsWebsocketConnection._open_sessions",
          "jupyter_server", "the open websockets of a kernel, to close them when it shuts down",
          "close_kernel_sockets (wrap_kernel_manager)"),
    Patch(f"{MKM}.notify_connect", "jupyter_server", "a page that connects and closes between two "
          "looks of the reaper is still seen as connected", "wrap_kernel_manager", ("kernel_id",)),
    Patch(f"{MKM}.start_kernel", "jupyter_server", "a kernel started for a page is a visitor's: "
          "reaped when its page closes, shut down when it crashes", "wrap_kernel_manager", ("kernel_id", "path")),
    Patch(f"{MKM}._kernel_connections", "jupyter_server", "open websockets per kernel: the reaper frees "
          "kernels whose page closed", "connection_count (kernels/gate.py Gate.reap)"),
    Patch("jupyter_client.multikernelmanager.MultiKernelManager._kernels", "jupyter_client", "a kernel's "
          "last_activity: a fresh idle clock when handed to a visitor and while it waits in the pool",
          "kernel_of (kernels/gate.py, kernels/pool.py, watch_activity_lightly)"),
    Patch(f"{KM}.fill_if_needed", "voila", "no preheat from broken content, and refills only when the "
          "server is calm (the keeper) instead of after each hand-out; fills the list under the "
          "notebook's name up to its pool_size (the keeper relies on that); its kernels' environment "
          "is copied for the copies of a kept page",
          "take_over_pool_fill (kernels/pool.py PoolKeeper.__init__)",
          ("delay", "notebook_name", "extra_kernel_env_variables"), "2572c9ec8df0102c"),
    Patch(f"{KM}.get_rendered_notebook", "voila", "one pool per language for the explainer; the kernel "
          "handed out becomes a visitor's (its pool entries: kernel_id, task, renderer; a kept "
          "page's copies make the same entries: kernels/stamps.py)",
          "hand_out_with (kernels/pool.py PoolKeeper.__init__)",
          ("notebook_name", "extra_kernel_env_variables"), "9f8b39ee9f32f5f4"),
    Patch(f"{KM}._pools", "voila", "the preheated kernels per pool: the keeper fills and hands out "
          "per language, the gate empties them on a content edit", "pools_of (kernels/pool.py, kernels/gate.py)"),
    Patch(f"{KM}.notebook_data", "voila", "Voila takes a pooled kernel only for a notebook it has "
          "rendered once; a copy's kernel is noted there as Voila notes its preheated ones",
          "kernels/pool.py PoolKeeper.takes_from_pool, note_pool_kernel (kernels/stamps.py)"),
    Patch("voila.handler.VoilaHandler.get_generator", "voila", "a pooled page is the entry's "
          "rendered_cache, then what its task returns (rendered, rendering): a kept page's copy "
          "returns itself whole and an empty generator", "kernels/stamps.py Stamps.copy",
          text=("rendered, rendering = await render_task", "async for html_snippet, _ in rendering")),
    Patch(f"{MKM}.start_watching_activity", "jupyter_server", "upstream verifies and fully decodes every "
          "message a kernel publishes (a sixth of the CPU in a crowd); the same bookkeeping from two "
          "small JSON frames (our copy of its body)", "watch_activity_lightly (hooks.py)",
          ("kernel_id",), "4de25ab45ea55f65"),
    Patch("jupyter_client.provisioning.local_provisioner.LocalProvisioner.launch_kernel", "jupyter_client",
          "a patient's kernel forked by the fork server, held by a pidfd, with no process of its own: "
          "we set what upstream sets after its Popen (process, pid, pgid, cwd)",
          "kernel_provisioner.py ForkedProvisioner (a subclass, named by the patients' kernelspec)",
          ("cmd", "kwargs"), "5a5d3e639018fd53"),
    Patch("jupyter_server.services.kernels.kernelmanager.ServerKernelManager._default_event_logger", "jupyter_server",
          "one event logger for all kernels, schemas registered once", "shared_event_logger (kernel_manager.py)",
          (), "b36917a3dd80bafd"),
    Patch("jupyter_client.manager.KernelManager.kernel_spec", "jupyter_client", "the kernelspec read once a name, "
          "not once a kernel", "cached_kernel_spec (kernel_manager.py)", (), "78ad6d314e7e2902"),
    Patch("jupyter_server._tz.utcnow", "jupyter_server", "the clock of last_activity that the culler "
          "compares with (a private module)", "utcnow (imported into patches.py; kernels/gate.py, kernels/pool.py)"),
    # --- page handler (kernels/handler.py: a subclass replacing Voila's in the routes) ----------
    Patch("voila.tornado.handler.TornadoVoilaHandler.get", "voila", "admission before a kernel is "
          "started or taken from the pool (busy / updating pages)", "kernels/handler.py admitting", ("path",)),
    Patch("voila.handler.VoilaHandler.should_use_rendered_notebook", "voila", "a pooled kernel only if "
          "the page's language has one (the keeper's per-language pools)", "kernels/handler.py admitting",
          ("notebook_data", "pool_size")),
    Patch("tornado.web.RequestHandler.flush", "tornado", "the first bytes wait for the template's head: "
          "the CSP hashes the inline scripts of the first chunk", "kernels/handler.py admitting",
          ("include_footers",)),
    Patch("tornado.web.RequestHandler._write_buffer", "tornado", "what the page handler has written but "
          "not sent (with _headers_written)", "unsent_bytes (kernels/handler.py AdmittingHandler.flush)"),
    Patch("tornado.web.RequestHandler._headers_written", "tornado", "whether the first chunk is gone",
          "unsent_bytes"),
    Patch("tornado.web.RequestHandler._finished", "tornado", "a page stopped at its time limit is "
          "finished unless Voila already did", "is_finished (kernels/handler.py AdmittingHandler.get)"),
    Patch("tornado.web.RequestHandler.on_connection_close", "tornado", "a page abandoned while rendering "
          "no longer counts against the cap", "kernels/handler.py admitting"),
    # --- HTTP (http/) -------------------------------------------------------------------------
    Patch("nbconvert.exporters.templateexporter.TemplateExporter._create_environment", "nbconvert",
          "Voila builds a new exporter per page and compiled the same templates every time: one "
          "bytecode cache for all (set on voila.exporter.VoilaExporter)",
          "share_template_bytecode (http/templates.py shared_template_code)"),
    Patch("voila.tornado.kernel_websocket_handler.VoilaKernelWebsocketHandler.get_compression_options",
          "voila", "permessage-deflate on the kernel websocket (jupyter_server offers none)",
          "deflate_kernel_websocket (http/compression.py compress_websocket)"),
    Patch("voila.tornado.kernel_websocket_handler.VoilaKernelWebsocketHandler.on_message", "voila",
          "crafted frames rejected before Voila or jupyter_server parse them (docs/upstream-bugs.md)",
          "http/ws_guard.py guarded", ("ws_message",)),
    Patch("voila.tornado.kernel_websocket_handler.VoilaKernelWebsocketHandler.get", "voila", "the legacy "
          "protocol refused before the upgrade (Voila mis-parses it)", "http/ws_guard.py guarded", ("kernel_id",)),
    Patch("voila.tornado.kernel_websocket_handler.VoilaKernelWebsocketHandler.on_close", "voila", "a closed "
          "socket stops its throttle and gives back its place in its address's share (http/ws_limits.py)",
          "http/ws_guard.py guarded"),
    Patch("voila.static_file_handler.TemplateStaticFileHandler.parse_url_path", "voila", "path tricks "
          "answer a clean 404, not a 500 with a traceback", "http/security.py clean_template_paths", ("path",)),
    Patch("voila.static_file_handler.MultiStaticFileHandler.initialize", "voila", "Voila's static files "
          "also under a versioned prefix, cached for good", "http/caching.py versioned_voila_static",
          ("paths", "default_filename")),
    Patch("tornado.web._ApplicationRouter", "tornado", "our routes before Voila's catch-alls "
          "(/voila/static/(.*))", "add_handlers_first (http/caching.py versioned_voila_static)",
          ("application", "rules")),
    Patch("tornado.routing.RuleRouter.rules", "tornado", "a built application's routes: handler classes "
          "swapped, a matcher put first", "http/routes.py replace_handler, add_rule_first (http/caching.py)"),
    Patch("tornado.web.GZipContentEncoding.CONTENT_TYPES", "tornado", "brotli compresses what gzip "
          "would (with MIN_LENGTH)", "http/compression.py BrotliContentEncoding"),
    Patch("tornado.web.OutputTransform.transform_first_chunk", "tornado", "our output transforms "
          "(brotli, cache lifetimes, security headers)", "http/compression.py, http/caching.py, http/security.py",
          ("status_code", "headers", "chunk", "finishing")),
    Patch("jupyter_server.auth.identity.IdentityProvider.set_login_cookie", "jupyter_server", "no 30-day "
          "identity cookie for a visitor", "no_login_cookie (http/security.py secure)", ("handler", "user")),
    Patch("voila.execute.VoilaExecutor.cell_error_instruction", "voila", "a failed or timed-out cell "
          "says so in the clinic's words (set in Voila's config after it was loaded, before the first "
          "page's executor reads it)", "cell_messages (http/security.py secure)"),
    Patch("voila.execute.VoilaExecutor.cell_timeout_instruction", "voila", "as above, for a cell "
          "stopped after CELL_TIMEOUT", "cell_messages (http/security.py secure)"),
    Patch("voila lab template index.html.j2", "voila", "inline scripts of Voila's lab template whose "
          "CSP hashes we list", "http/security.py VOILA_FINISH, _progress_hashes",
          text=("window.voila_finish();", "voila_process({{ cellloop.index }}, {{ cell_count }})")),
    Patch("voila.tornado.treehandler", "voila", "the landing (tree) page: its template names and the "
          "settings key of the environment that renders it (our words for it)",
          "landing_environment (http/assets.py clinic_assets)", text=('"tree-lab.html"', '"tree.html"')),
    Patch("voila.treehandler.VoilaTreeHandler.get_template", "voila", "as above: the landing page's "
          "environment is app.settings['voila_jinja2_env']", "landing_environment", text=('"voila_jinja2_env"',)),
    # --- small surfaces (http/surface.py) ----------------------------------------------------------
    Patch("tornado.web.Application.listen", "tornado", "Voila calls app.listen(port, ip) with no server "
          "options: our body, buffer and idle limits are added to the HTTPServer it makes",
          "listen_with (http/surface.py limit_requests)", ("port", "address", "kwargs")),
    Patch("tornado.httpserver.HTTPServer.initialize", "tornado", "the options listen_with passes",
          "listen_with", ("max_body_size", "max_buffer_size", "idle_connection_timeout", "body_timeout")),
    Patch("voila.request_info_handler.RequestInfoSocketHandler._cache", "voila", "a preheated kernel's "
          "request details (address, query) are kept for good: freed once handed over or with the kernel",
          "drop_request_info (http/surface.py)"),
    Patch("voila.request_info_handler.RequestInfoSocketHandler._waiters", "voila", "the kernel's own "
          "connection waiting for its details: one at a time", "request_info_waiting (http/surface.py)"),
    Patch("voila.request_info_handler.RequestInfoSocketHandler.open", "voila", "only the kernel "
          "(loopback, live, once) reads its details", "http/surface.py once_request_info", ("kernel_id",)),
    Patch("voila.request_info_handler.RequestInfoSocketHandler.on_close", "voila", "upstream deletes "
          "the last waiter it looked at when the closing one was never registered (our refusals)",
          "http/surface.py once_request_info", (), "84ab4354925f7891"),
    Patch("jupyter_server.base.handlers.JupyterHandler.write_error", "jupyter_server", "its error pages "
          "need templates and a static_path Voila lacks: every 404 of a static file logged a traceback",
          "plain_error_pages (http/surface.py small_surfaces)", ("status_code",)),
    Patch("voila.app.Voila.listen", "voila", "the application hooks run after Voila built its "
          "application (tornado settings come too late) and before it listens", "app.py ClinicVoila.listen"),
)


# --- the kernel manager ------------------------------------------------------------------------
def kernel_of(km, kernel_id: str):
    """The kernel's manager (it carries ``last_activity``), None when it is gone."""
    return km._kernels.get(kernel_id)


def pools_of(km) -> dict:
    """Voila's preheated kernels: pool key -> futures (empty without preheating)."""
    return getattr(km, "_pools", {})


def connection_count(km, kernel_id: str) -> int:
    return km._kernel_connections.get(kernel_id, 0)


def close_kernel_sockets(kernel_id: str, code: int = 1001, reason: str = "kernel shut down") -> None:
    from jupyter_server.services.kernels.connection.channels import ZMQChannelsWebsocketConnection

    for key, handler in list(ZMQChannelsWebsocketConnection._open_sessions.items()):
        if key.startswith(kernel_id + ":"):
            handler.close(code, reason)


def wrap_kernel_manager(km, on_start: Callable[[str], None], on_connect: Callable[[str], None],
                        on_shutdown: Callable[[str], None]) -> None:
    """``start_kernel``, ``notify_connect`` and ``shutdown_kernel`` (also what the culler and
    Voila's pool call) tell the gate; a shut-down kernel's websockets are closed."""
    from jupyter_core.utils import ensure_async

    shutdown_kernel, notify_connect, start_kernel = km.shutdown_kernel, km.notify_connect, km.start_kernel

    async def shutdown_and_close_sockets(kernel_id, *args, **kwargs):
        on_shutdown(kernel_id)
        try:
            return await ensure_async(shutdown_kernel(kernel_id, *args, **kwargs))
        finally:
            close_kernel_sockets(kernel_id)

    def connected(kernel_id):
        on_connect(kernel_id)
        return notify_connect(kernel_id)

    async def visitor_start_kernel(*args, **kwargs):  # the page handler's (the pool uses super())
        kernel_id = await ensure_async(start_kernel(*args, **kwargs))
        on_start(kernel_id)
        return kernel_id

    km.shutdown_kernel, km.notify_connect, km.start_kernel = shutdown_and_close_sockets, connected, visitor_start_kernel


def take_over_pool_fill(km, content_ok: Callable[[], bool]) -> Callable | None:
    """Voila's ``fill_if_needed``, in this order: (1) Voila's own, (2) wrapped so nothing is
    preheated while ``content_ok()`` is false (a pool filled from broken content would hand out
    a developer error), (3) returned to the keeper, the only caller from now on; the name on the
    manager becomes a no-op, so Voila's refill after each hand-out (and any other) waits for the
    keeper's next look. None without preheating (no pool)."""
    fill = getattr(km, "fill_if_needed", None)
    if fill is None:
        return None

    def fill_unless_broken(*args, **kwargs):
        return fill(*args, **kwargs) if content_ok() else None

    km.fill_if_needed = lambda *args, **kwargs: None
    return fill_unless_broken


def pool_kernel_env(km, notebook: str, extra: dict) -> dict:
    """The environment Voila's ``fill_if_needed`` gives a preheated kernel of ``notebook`` (our
    copy of its lines: kernels/stamps.py starts copies of a page the same way)."""
    config = km.kernel_pools_config
    default = config.get("default", {})
    variables = config.get(notebook, default).get("kernel_env_variables",
                                                  default.get("kernel_env_variables", {}))
    env = dict(os.environ)
    env.update({key: value for key, value in variables.items() if key not in env})
    env.update(extra)
    env["VOILA_BASE_URL"] = km.parent.base_url
    env["VOILA_SERVER_URL"] = km.parent.server_url
    env["VOILA_APP_PORT"] = str(km.parent.port)
    env["VOILA_PREHEAT"] = "True"
    return env


async def start_pool_kernel(km, **kwargs) -> str:
    """jupyter_server's ``start_kernel`` itself (not the visitor's wrap): a kernel for the pool."""
    return await type(km).start_kernel(km, **kwargs)


def note_pool_kernel(km, notebook: str, kernel_id: str) -> None:
    """Voila's record of a notebook's preheated kernels (its restart re-renders only those)."""
    data = km.notebook_data.get(notebook)
    if data is not None:
        data["kernel_ids"].add(kernel_id)


_SHARED: dict = {}  # PatientKernelManager's one event logger and kernelspecs (kernel_manager.py)


def shared_event_logger(manager):
    if "events" not in _SHARED:  # upstream's default (it registers and validates the schemas), once
        _SHARED["events"] = ServerKernelManager._default_event_logger.func(manager)
    return _SHARED["events"]


def cached_kernel_spec(manager):
    if manager._kernel_spec is None and manager.kernel_name != "":  # upstream's property, read once a name
        key = ("spec", manager.kernel_name)
        manager._kernel_spec = _SHARED[key] = _SHARED.get(key) or manager.kernel_spec_manager.get_kernel_spec(key[1])
    return manager._kernel_spec


def hand_out_with(km, hand_out: Callable) -> None:
    """The keeper's ``hand_out`` replaces Voila's ``get_rendered_notebook`` (per-language pools)."""
    km.get_rendered_notebook = hand_out


def watch_activity_lightly(app, voila) -> None:
    """Application hook: jupyter_server's ``start_watching_activity`` from the two small JSON
    frames it needs (header, parent header; the content only for status messages). One
    difference: a message with no parent counts only if its own type is tracked (upstream
    counted every parentless message, so a script making the kernel print kept it alive)."""
    from jupyter_client.session import Session

    km = voila.kernel_manager

    def start_watching_activity(kernel_id):
        kernel = kernel_of(km, kernel_id)
        kernel.reason = ""
        kernel.last_activity = utcnow()
        kernel._activity_stream = kernel.connect_iopub()
        session = Session(config=kernel.session.config, key=kernel.session.key)

        def record_activity(msg_list):
            _idents, parts = session.feed_identities(msg_list, copy=True)
            # parts: signature, header, parent header, metadata, content, buffers
            header, parent = session.unpack(parts[1]), session.unpack(parts[2])
            msg_type, parent_type = header.get("msg_type"), (parent or {}).get("msg_type")
            # unlike upstream, a message without a parent (a kernel's own stderr line, e.g. after an
            # unknown widget message) is not activity: only what answers a tracked request is
            if km.track_message_type(msg_type) or (parent_type is not None and km.track_message_type(parent_type)) \
                    or kernel.execution_state == "busy":
                km.last_kernel_activity = kernel.last_activity = utcnow()
            if msg_type == "status":
                state = session.unpack(parts[4]).get("execution_state")
                if km.track_message_type(parent_type):
                    kernel.execution_state = state
                elif kernel.execution_state == "starting" and state != "starting":
                    kernel.execution_state = "idle"  # as jupyter_server does

        kernel._activity_stream.on_recv(record_activity)

    km.start_watching_activity = start_watching_activity


# --- handlers and the application --------------------------------------------------------------
def unsent_bytes(handler) -> bytes | None:
    """What a handler has written and not sent yet; None once its headers are out."""
    return None if handler._headers_written else b"".join(handler._write_buffer)


def listen_with(app, **server_options) -> None:
    """Voila's ``app.listen(port, ip)`` makes its HTTPServer with ``server_options`` too."""
    listen = app.listen

    def listen_limited(port, address=None, **kwargs):
        return listen(port, address, **{**server_options, **kwargs})

    app.listen = listen_limited


def _request_info():
    from voila.request_info_handler import RequestInfoSocketHandler

    return RequestInfoSocketHandler


def request_info_waiting(kernel_id: str):
    """The connection waiting for a kernel's request details, or None."""
    return _request_info()._waiters.get(kernel_id)


def drop_request_info(kernel_id: str, keep_waiter: bool = False) -> None:
    """Forget a kernel's request details (and, unless ``keep_waiter``, close its waiting connection)."""
    handler = _request_info()
    handler._cache.pop(kernel_id, None)
    if not keep_waiter:
        waiter = handler._waiters.pop(kernel_id, None)
        if waiter is not None:
            waiter.close()


def plain_error_pages() -> None:
    """jupyter_server's handlers answer an error with a plain body (http/security.py brands it)."""
    from jupyter_server.base.handlers import JupyterHandler

    def write_error(self, status_code, **kwargs):
        self.set_header("Content-Type", "text/html; charset=UTF-8")
        self.finish(f"<!DOCTYPE html><title>{int(status_code)}</title>")

    JupyterHandler.write_error = write_error


def is_finished(handler) -> bool:
    return handler._finished


def share_template_bytecode(cache) -> None:
    """Every exporter Voila builds gets the one jinja2 bytecode cache ``cache`` (idempotent)."""
    from voila.exporter import VoilaExporter

    if getattr(VoilaExporter, "_clinic_shared_code", None) is cache:
        return
    create = VoilaExporter._create_environment

    def create_environment(exporter):
        environment = create(exporter)
        environment.bytecode_cache = cache
        return environment

    VoilaExporter._create_environment = create_environment
    VoilaExporter._clinic_shared_code = cache


def deflate_kernel_websocket(options: dict) -> None:
    """Set on Voila's class, so the frame guard's subclass inherits it; tornado still caps the
    inflated message at websocket_max_message_size."""
    from voila.tornado.kernel_websocket_handler import VoilaKernelWebsocketHandler

    VoilaKernelWebsocketHandler.get_compression_options = lambda self: dict(options)


def add_handlers_first(app, handlers: list) -> None:
    """Like ``app.add_handlers`` but matched before Voila's own routes."""
    from tornado.routing import HostMatches, Rule
    from tornado.web import _ApplicationRouter

    app.default_router.rules.insert(0, Rule(HostMatches(".*$"), _ApplicationRouter(app, handlers)))


def add_rule_first(app, matcher, handler: type) -> None:
    from tornado.routing import Rule

    app.default_router.rules.insert(0, Rule(matcher, handler))


def no_login_cookie(*providers) -> None:
    """jupyter_server's identity providers set no ``username-…`` cookie (Voila needs none)."""
    for provider in {id(p): p for p in providers if p}.values():
        provider.set_login_cookie = lambda handler, user: None


def cell_messages(voila, words: str) -> None:
    """What a patient reads where a cell failed or ran out of time (Voila's executors are made
    per page from ``voila.config``, after the hooks have run)."""
    voila.config.VoilaExecutor.cell_error_instruction = words
    voila.config.VoilaExecutor.cell_timeout_instruction = words


def landing_environment(app):
    """The jinja2 environment Voila renders the landing (tree) page with."""
    return app.settings["voila_jinja2_env"]
