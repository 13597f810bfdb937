"""pyproject.toml is the single source of versions; environment.yml must agree with it."""

import re
import tomllib

import yaml
from packaging.requirements import Requirement
from tests.paths import ROOT as ROOT_DIR

ROOT = ROOT_DIR


def _normal(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def pyproject_deps() -> dict[str, str]:
    data = tomllib.loads((ROOT / "pyproject.toml").read_text())
    reqs = [Requirement(r) for r in data["project"]["dependencies"]]
    return {_normal(r.name): str(r.specifier) for r in reqs}


def environment_deps() -> dict[str, str]:
    env = yaml.safe_load((ROOT / "environment.yml").read_text())
    out = {}
    for dep in env["dependencies"]:
        if isinstance(dep, dict) or dep.split("=")[0].strip() in ("python", "pip"):
            continue
        r = Requirement(dep.replace(" ", ""))
        out[_normal(r.name)] = str(r.specifier)
    return out


def test_environment_yml_lists_the_same_dependencies_as_pyproject():
    assert environment_deps() == pyproject_deps()


def test_environment_yml_installs_the_package_itself():
    env = yaml.safe_load((ROOT / "environment.yml").read_text())
    pip = next(d["pip"] for d in env["dependencies"] if isinstance(d, dict))
    assert "-e ." in pip
    assert env["channels"] == ["conda-forge"]


def test_required_stack_is_present():
    deps = pyproject_deps()
    for name in ("jupyterlab", "ipywidgets", "voila", "matplotlib"):
        assert name in deps
    assert deps["textstat"] == "==0.7.8"  # later versions need a network download
