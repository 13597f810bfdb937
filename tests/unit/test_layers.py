"""The house by layers: each module imports only from the layers below its own (docs/architecture.md).

Every import counts, those inside functions too (a lazy import is still a dependency), and
the package has no import circle. A failure names the module, the line and the import.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

import clinic_explainer

PACKAGE = Path(clinic_explainer.__file__).resolve().parent
# lowest first; a module may import its own layer and any layer before it
LAYERS = ["settings", "content", "quality", "models", "records", "pages", "charts", "takehome", "views",
          "session", "serving", "commands"]
# the commands above everything: `make serve`, `make lab`'s save hook, `make hub`, `make training-report`
COMMANDS = {"serve", "lab", "hub", "report"}
# serving runs in the server process: no widgets, charts or page session there; models and
# takehome only for the early tools' answers (serving/http/early.py, the same words and files
# as the live widgets', with WeasyPrint imported on a download only)
SERVING_MAY_IMPORT = {"settings", "content", "models", "pages", "takehome", "serving"}
MAX_LINES = 450
MAX_ROOT_MODULES = 8


def layer_of(module: str) -> str:
    parts = module.split(".")
    top = parts[1] if len(parts) > 1 else "__init__"
    return "commands" if top in COMMANDS else top


def modules() -> dict[str, Path]:
    out = {}
    for path in PACKAGE.rglob("*.py"):
        rel = path.relative_to(PACKAGE.parent).with_suffix("")
        if "jupyter_data" in rel.parts or "config" in rel.parts:
            continue
        name = ".".join(rel.parts).removesuffix(".__init__")
        out[name] = path
    return out


def imports(path: Path, name: str) -> list[tuple[int, str, bool]]:
    """(line, imported module, at module level) for every import of the package."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    top_level = {id(n) for n in tree.body}
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parts = package.split(".")
                base = ".".join(parts[: len(parts) - node.level + 1] + ([base] if base else []))
            targets = [base] + [f"{base}.{a.name}" for a in node.names]
        elif isinstance(node, ast.Import):
            targets = [a.name for a in node.names]
        else:
            continue
        for target in targets:
            if target.startswith("clinic_explainer."):
                found.append((node.lineno, target, id(node) in top_level))
    return found


def resolve(target: str, known: dict[str, Path]) -> str | None:
    while target and target not in known:
        target = target.rpartition(".")[0]
    return target or None


def test_every_layer_is_known():
    unknown = {layer_of(m) for m in modules()} - set(LAYERS) - {"__init__"}
    assert not unknown, f"modules outside every layer: {unknown}; add them to docs/architecture.md and LAYERS"


def test_no_module_imports_from_a_layer_above_its_own():
    known = modules()
    problems = []
    for name, path in known.items():
        mine = layer_of(name)
        if mine == "__init__":
            continue
        for line, target, _ in imports(path, name):
            other = resolve(target, known)
            if other is None or other == "clinic_explainer":
                continue
            theirs = layer_of(other)
            if LAYERS.index(theirs) > LAYERS.index(mine):
                problems.append(f"{path.relative_to(PACKAGE)}:{line} ({mine}) imports {other} ({theirs}), a layer above")
            elif mine == "serving" and theirs not in SERVING_MAY_IMPORT:
                problems.append(f"{path.relative_to(PACKAGE)}:{line} (serving) imports {other} ({theirs})")
    assert not problems, "imports that run back up:\n" + "\n".join(problems)


def test_no_import_circle():
    known = modules()
    graph = {name: {resolve(t, known) for _, t, top in imports(path, name) if top} - {None, name}
             for name, path in known.items()}
    # a package's __init__ is imported by its own modules' import: not an edge back
    graph = {n: {m for m in deps if not n.startswith(m + ".")} for n, deps in graph.items()}
    seen, stack, circles = set(), [], []

    def visit(node):
        if node in stack:
            circles.append(stack[stack.index(node):] + [node])
            return
        if node in seen:
            return
        seen.add(node)
        stack.append(node)
        for dep in sorted(graph.get(node, ())):
            visit(dep)
        stack.pop()

    for node in sorted(graph):
        visit(node)
    assert not circles, "import circles:\n" + "\n".join(" -> ".join(c) for c in circles)


@pytest.mark.parametrize("name", sorted(modules()))
def test_module_is_small(name):
    lines = len(modules()[name].read_text(encoding="utf-8").splitlines())
    assert lines <= MAX_LINES, f"{name} has {lines} lines (at most {MAX_LINES}): split it by job"


def test_few_modules_in_the_package_root():
    root = sorted(p.name for p in PACKAGE.glob("*.py"))
    assert len(root) <= MAX_ROOT_MODULES, f"{len(root)} modules in the package root: {root}"
