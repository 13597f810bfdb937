"""Upstream has not moved under serving/patches.py: every inventory entry's target is where we
reach for it, with the parameters we rely on, and the installed versions are the ones the
inventory was written against. A failure here means: read that entry in patches.py's INVENTORY
against the new upstream code, fix or drop the patch, then update the entry (and UPSTREAM)."""

from __future__ import annotations

import hashlib
import importlib
import inspect
import re
import tempfile
from importlib.metadata import version
from pathlib import Path
from unittest import mock

import pytest
from jupyter_core.paths import jupyter_path
from packaging.version import Version

from clinic_explainer.serving import patches
from clinic_explainer.serving.patches import INVENTORY, KM, MKM, UPSTREAM

SERVING = Path(patches.__file__).resolve().parent


def voila_kernel_manager_class():
    from jupyter_server.services.kernels.kernelmanager import AsyncMappingKernelManager
    from voila.voila_kernel_manager import voila_kernel_manager_factory

    return voila_kernel_manager_factory(AsyncMappingKernelManager, preheat_kernel=True, default_pool_size=0)


def voila_kernel_manager():
    from traitlets import Unicode
    from traitlets.config import Configurable

    class VoilaApp(Configurable):  # what the manager reads of Voila at construction
        root_dir = Unicode(tempfile.mkdtemp())
        notebook_path = None

    return voila_kernel_manager_class()(parent=VoilaApp())


def mapping_kernel_manager():
    from jupyter_server.services.kernels.kernelmanager import AsyncMappingKernelManager

    return AsyncMappingKernelManager()


def request_handler():
    from tornado.httputil import HTTPHeaders, HTTPServerRequest, RequestStartLine
    from tornado.web import Application, RequestHandler

    request = HTTPServerRequest(start_line=RequestStartLine("GET", "/", "HTTP/1.1"), connection=mock.Mock(),
                                headers=HTTPHeaders({"Host": "127.0.0.1"}))
    return RequestHandler(Application(), request)


def rule_router():
    from tornado.routing import RuleRouter

    return RuleRouter()


# owners that are not importable by name (made by a factory)
OWNERS = {KM: voila_kernel_manager_class}
# attributes that exist on instances only: how to make one without a server
INSTANCES = {
    KM: voila_kernel_manager,
    MKM: mapping_kernel_manager,
    "jupyter_client.multikernelmanager.MultiKernelManager": mapping_kernel_manager,
    "tornado.web.RequestHandler": request_handler,
    "tornado.routing.RuleRouter": rule_router,
}
TEMPLATES = {"voila lab template index.html.j2": ("voila", "templates", "lab", "index.html.j2")}


def resolve_owner(path: str):
    for owner, make in OWNERS.items():
        if path == owner or path.startswith(owner + "."):
            obj = make()
            for name in path[len(owner) + 1:].split(".") if path != owner else ():
                obj = getattr(obj, name)
            return obj
    parts = path.split(".")
    for i in range(len(parts), 0, -1):
        try:
            obj = importlib.import_module(".".join(parts[:i]))
        except ImportError:
            continue
        for name in parts[i:]:
            obj = getattr(obj, name)
        return obj
    raise ImportError(path)


def text_of(entry) -> str:
    if entry.target in TEMPLATES:
        for folder in jupyter_path(*TEMPLATES[entry.target][:-1]):
            file = Path(folder) / TEMPLATES[entry.target][-1]
            if file.is_file():
                return file.read_text()
        raise AssertionError(f"{entry.target} not found")
    return inspect.getsource(resolve_owner(entry.target))


def test_installed_upstream_is_the_version_the_inventory_was_written_for():
    for package, (written_for, first_unchecked) in UPSTREAM.items():
        installed = Version(version(package))
        assert Version(written_for) <= installed < Version(first_unchecked), (
            f"{package} {installed} is installed; serving/patches.py was written against {written_for} "
            f"(checked below {first_unchecked}). Check every INVENTORY entry of {package} against it, "
            "then move UPSTREAM.")


def test_every_entry_says_why_and_where_and_its_package_is_pinned():
    for entry in INVENTORY:
        assert entry.package in UPSTREAM and entry.why and entry.where, entry
        assert entry.version == UPSTREAM[entry.package][0]
        first = re.split(r"[ (,]", entry.where)[0]
        if first.endswith(".py"):  # a module of serving/ that applies it
            assert (SERVING / first).is_file() or any(SERVING.rglob(first)), entry.where
        else:  # a function of patches.py
            assert callable(getattr(patches, first, None)), entry.where


@pytest.mark.parametrize("entry", INVENTORY, ids=[e.target for e in INVENTORY])
def test_upstream_target_is_still_there(entry):
    if entry.text:
        text = text_of(entry)
        missing = [needle for needle in entry.text if needle not in text]
        assert not missing, f"{entry.target} ({entry.package}) no longer contains {missing}: {entry.why}"
        return
    owner_path, _, name = entry.target.rpartition(".")
    try:
        target = resolve_owner(entry.target)
    except AttributeError:  # set on instances only
        assert owner_path in INSTANCES, f"{entry.target}: not on its class; add a way to make an instance"
        instance = INSTANCES[owner_path]()
        assert hasattr(instance, name), f"{entry.target} is gone ({entry.package}): {entry.why}"
        return
    if entry.params:
        assert callable(target), entry.target
        params = inspect.signature(target).parameters
        missing = [p for p in entry.params if p not in params]
        assert not missing, f"{entry.target} lost parameters {missing} ({entry.package})"
    if entry.source_sha:
        body = getattr(target, "func", None) or getattr(target, "fget", None) or target  # @default, property
        sha = hashlib.sha256(inspect.getsource(body).encode()).hexdigest()[:16]
        assert sha == entry.source_sha, (f"{entry.target} changed upstream (source {sha}): read it against "
                                         f"the patch ({entry.why}) and update source_sha")


def test_instance_attributes_we_read_exist_on_a_fresh_instance():
    km = voila_kernel_manager()
    assert isinstance(patches.pools_of(km), dict) and km.notebook_data == {}
    assert patches.kernel_of(km, "nope") is None and patches.connection_count(km, "nope") == 0
    assert patches.unsent_bytes(request_handler()) == b""
    assert patches.is_finished(request_handler()) is False


# names of upstream internals that only patches.py may touch
PRIVATE = sorted({e.target.rpartition(".")[2] for e in INVENTORY if e.target.rpartition(".")[2].startswith("_")}
                 | {"_activity_stream", "_tz"})
REPLACED = sorted({e.target.rpartition(".")[2] for e in INVENTORY if not e.text} - set(PRIVATE))


def test_only_patches_py_reaches_into_upstream_internals():
    problems = []
    for path in sorted(SERVING.rglob("*.py")):
        if path.name == "patches.py" or "jupyter_data" in path.parts:
            continue
        for number, line in enumerate(path.read_text().splitlines(), 1):
            code = line.split("#")[0]
            private = [n for n in PRIVATE if re.search(rf"\.{n}\b|\b{n}\b", code)]
            replaced = [n for n in REPLACED if re.search(rf"\.{n}\s*=[^=]", code)]
            if private or replaced:
                problems.append(f"{path.relative_to(SERVING)}:{number}: {line.strip()}")
    assert not problems, "upstream internals outside patches.py:\n" + "\n".join(problems)
