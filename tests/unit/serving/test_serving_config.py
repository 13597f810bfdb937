"""The server's settings file: loadable, and every setting says why."""

from traitlets.config import PyFileConfigLoader

from clinic_explainer.serving import hooks
from clinic_explainer.serving.app import CONFIG_DIR
from clinic_explainer.serving.http import compression
from clinic_explainer.serving.http.templates import shared_template_code


def test_every_setting_carries_its_reason():
    lines = (CONFIG_DIR / "voila.py").read_text().splitlines()
    settings = [(i, line) for i, line in enumerate(lines) if line.startswith("c.")]
    assert len(settings) >= 10
    for i, line in settings:  # the reason on the line itself or in the comment just above
        assert "#" in line or lines[i - 1].lstrip().startswith("#"), f"no reason given: {line}"


def test_settings_file_loads_with_the_safety_settings():
    config = PyFileConfigLoader("voila.py", path=str(CONFIG_DIR)).load_config()
    assert config.VoilaConfiguration.show_tracebacks is False
    assert config.VoilaConfiguration.allow_template_override == "NO"
    assert config.VoilaConfiguration.template == "clinic"
    assert config.MappingKernelManager.cull_idle_timeout > 0


def test_compression_is_an_application_hook():
    assert compression.compress in hooks.APPLICATION_HOOKS


def test_a_stuck_cell_is_stopped():
    config = PyFileConfigLoader("voila.py", path=str(CONFIG_DIR)).load_config()
    from clinic_explainer.serving.cell_timeout import CELL_TIMEOUT
    assert config.VoilaExecutor.timeout_func({"source": "x = 1"}) == CELL_TIMEOUT <= 120
    assert config.MappingKernelManager.cull_connected is True  # idle open tabs too (kernel-watch.js tells)


def test_only_the_cell_that_waits_for_a_visitor_has_no_time_limit():
    """A pooled kernel waits in each notebook's first cell until a visitor comes (?lang=)."""
    import json

    from clinic_explainer.content import notebooks_root
    from clinic_explainer.serving.cell_timeout import CELL_TIMEOUT, cell_timeout

    config = PyFileConfigLoader("voila.py", path=str(CONFIG_DIR)).load_config()
    assert config.VoilaExecutor.timeout_func is cell_timeout
    for path in sorted(notebooks_root().glob("*.ipynb")):
        cells = [c for c in json.loads(path.read_text())["cells"] if c["cell_type"] == "code"]
        cells = [dict(c, source="".join(c["source"])) for c in cells]
        assert cell_timeout(cells[0]) is None, path.name
        assert all(cell_timeout(c) == CELL_TIMEOUT for c in cells[1:]), path.name


def test_widget_json_carries_the_calm_words_not_a_second_copy_of_the_early_slider(content):
    """The early slider is in the page's text-first box; the JSON for the widget client keeps
    only the calm placeholder as its fallback (half the bytes of the page)."""
    from clinic_explainer.serving.template_filters import WIDGET_VIEW, lean_output
    from clinic_explainer.views.timeline import TimelineView

    bundle = TimelineView(content)._repr_mimebundle_()
    output = {"output_type": "display_data", "data": bundle, "metadata": {}}
    lean = lean_output(output)
    assert lean["data"][WIDGET_VIEW] == bundle[WIDGET_VIEW]
    assert "ce-early" not in lean["data"]["text/html"]
    assert content.ui.getting_ready.timeline in lean["data"]["text/html"]
    assert len(lean["data"]["text/html"]) < len(bundle["text/html"]) / 50
    plain = {"output_type": "display_data", "data": {"text/html": "<p>FAQ</p>"}, "metadata": {}}
    assert lean_output(plain) is plain


def test_page_templates_are_compiled_once_for_every_page():
    """http/templates.py shared_template_code: a second page's exporter loads the compiled template
    instead of compiling it again; an edited template is compiled anew."""
    from jinja2 import DictLoader, Environment
    from voila.exporter import VoilaExporter

    shared_template_code(None, None)
    cache = shared_template_code.cache
    assert VoilaExporter()._create_environment().bytecode_cache is cache
    templates, compiled = {"page.j2": "Hello {{ name }}"}, []

    class Counting(Environment):
        def compile(self, source, *args, **kwargs):
            compiled.append(source)
            return super().compile(source, *args, **kwargs)

    def environment():  # a new environment per page, as Voila makes
        env = Counting(loader=DictLoader(templates))
        env.bytecode_cache = cache
        return env

    assert environment().get_template("page.j2").render(name="A") == "Hello A"
    assert environment().get_template("page.j2").render(name="B") == "Hello B"
    assert len(compiled) == 1
    templates["page.j2"] = "Hi {{ name }}"
    assert environment().get_template("page.j2").render(name="C") == "Hi C"
    assert len(compiled) == 2


def test_kernels_talk_over_private_unix_sockets_and_share_one_event_logger():
    """No loopback port a visitor's connection could take before the kernel binds it; the
    patient kernel manager's one event logger and kernelspec read (serving/kernel_manager.py)."""
    from jupyter_server.services.kernels.kernelmanager import AsyncMappingKernelManager
    from traitlets.config import Config

    config = PyFileConfigLoader("voila.py", path=str(CONFIG_DIR)).load_config()
    assert config.KernelManager.transport == "ipc"
    managers = AsyncMappingKernelManager(config=Config({"MappingKernelManager": {
        "kernel_manager_class": config.VoilaKernelManager.kernel_manager_class}}))
    first, second = (managers.kernel_manager_factory(parent=managers, kernel_name="python3") for _ in range(2))
    assert type(first).__name__ == "PatientKernelManager"
    assert first.event_logger is second.event_logger
    assert first.kernel_spec is second.kernel_spec and first.kernel_spec.argv


def test_the_server_has_room_for_a_crowds_kernel_sockets():
    """libzmq's default is 1023 sockets a context: a crowd of 200 ran out (websockets closed, 1006)."""
    from types import SimpleNamespace

    import zmq.asyncio

    from clinic_explainer.serving.kernel_manager import room_for_sockets

    assert hooks.APPLICATION_HOOKS[0] is room_for_sockets  # before anything could make a socket
    context = zmq.asyncio.Context()
    room_for_sockets(None, SimpleNamespace(kernel_manager=SimpleNamespace(context=context)))
    sockets = [context.socket(zmq.DEALER) for _ in range(1100)]
    try:
        assert len(sockets) == 1100
    finally:
        for sock in sockets:
            sock.close(linger=0)
        context.term()
