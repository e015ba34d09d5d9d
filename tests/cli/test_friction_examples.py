"""Issue #15, installed use: the bundled example pathways are package data, listed by
`credwallet pathway examples` and added by `credwallet pathway add --example NAME`, from an
install, not from the checkout's examples/ directory."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from importlib import resources
from pathlib import Path

from tests.conftest import PASSPHRASE, REPO, Cli

FILES = {"data-analytics-certificate.toml", "it-support-specialist.ctdl.jsonld",
         "aas-information-technology.yaml"}


def test_the_examples_are_package_resources() -> None:
    folder = resources.files("credwallet") / "data" / "examples" / "pathways"
    assert {entry.name for entry in folder.iterdir()} >= FILES
    # examples/ in the checkout is only a view of the package data
    assert (REPO / "examples").resolve() == (REPO / "src" / "credwallet" / "data" / "examples")


def test_examples_lists_them_without_a_wallet(cw: Cli, isolated_home: Path) -> None:
    res = cw("pathway", "examples", "--json")
    assert res.code == 0, res
    listed = {e["file"]: e["pathway"]["name"] for e in res.json()["examples"]}
    assert set(listed) == FILES
    assert listed["aas-information-technology.yaml"] == "aas-information-technology"
    human = cw("pathway", "examples")
    assert "data-analytics-certificate" in human.stdout and "--example NAME" in human.stdout
    assert not isolated_home.exists()  # no wallet read or made


def test_add_example_by_name_or_file(cw: Cli, wallet_home: Path) -> None:
    res = cw("pathway", "add", "--example", "data-analytics-certificate", "--json")
    assert res.code == 0, res
    assert res.json()["pathway"]["name"] == "data-analytics-certificate"
    # by its file name too, under another name
    res = cw("pathway", "add", "--example", "it-support-specialist", "--name", "it", "--json")
    assert res.code == 0 and res.json()["pathway"]["name"] == "it", res
    names = {p["name"] for p in cw("pathway", "list", "--json").json()["pathways"]}
    assert names == {"data-analytics-certificate", "it"}
    res = cw("pathway", "add", "--example", "no-such-example", "--json")
    assert res.code == 6 and "aas-information-technology" in res.json()["error"]["hint"]
    res = cw("pathway", "add", "--example", "data-analytics-certificate", "some.toml")
    assert res.code == 2  # one source at a time


def _installed_copy(tmp_path: Path) -> Path:
    """What a wheel installs: setuptools' build_py of a copy of the project (packages and
    the package-data globs from pyproject.toml), built outside the checkout."""
    project = tmp_path / "project"
    project.mkdir()
    for name in ("pyproject.toml", "README.md"):
        shutil.copy(REPO / name, project / name)
    shutil.copytree(REPO / "src", project / "src",
                    ignore=shutil.ignore_patterns("__pycache__", "*.egg-info"))
    lib = tmp_path / "lib"
    proc = subprocess.run([sys.executable, "-c", "from setuptools import setup; setup()", "-q",
                           "build_py", "--build-lib", str(lib)], cwd=project,
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    return lib


def test_an_installed_copy_finds_its_examples(tmp_path: Path) -> None:
    lib = _installed_copy(tmp_path)
    away = tmp_path / "elsewhere"
    away.mkdir()
    env = dict(os.environ, PYTHONPATH=str(lib), CREDWALLET_HOME=str(tmp_path / "home"),
               CREDWALLET_PASSPHRASE=PASSPHRASE)

    def run(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([sys.executable, "-m", "credwallet", *args], cwd=away, env=env,
                              capture_output=True, text=True, timeout=120,
                              stdin=subprocess.DEVNULL)

    where = subprocess.run([sys.executable, "-c", "import credwallet; print(credwallet.__file__)"],
                           cwd=away, env=env, capture_output=True, text=True, timeout=60)
    assert Path(where.stdout.strip()).is_relative_to(lib), "the copy, not the checkout, runs"
    listed = run("pathway", "examples", "--json")
    assert listed.returncode == 0, listed.stderr
    assert {e["file"] for e in json.loads(listed.stdout)["examples"]} == FILES
    assert run("init", "--json").returncode == 0
    added = run("pathway", "add", "--example", "aas-information-technology", "--json")
    assert added.returncode == 0, added.stderr
    assert json.loads(added.stdout)["pathway"]["stacks"] == ["data-analytics-certificate"]


def test_pathway_help_points_at_the_examples(cw: Cli) -> None:
    assert "credwallet pathway add --example" in cw("pathway", "-h").stdout
