"""Project-level promises: dependency lists agree, sources carry no outputs, data has datacards."""

from __future__ import annotations

import json
import subprocess

import tomllib
import yaml

from grader import paths
from grader.authoring import units


def test_environment_yml_lists_the_same_dependencies_as_pyproject():
    project = tomllib.loads((paths.REPO / "pyproject.toml").read_text())["project"]
    wanted = set(project["dependencies"]) | set(project["optional-dependencies"]["test"])
    env = yaml.safe_load((paths.REPO / "environment.yml").read_text())
    pip = next(d["pip"] for d in env["dependencies"] if isinstance(d, dict))
    assert set(pip) - {"-e ."} == wanted


def test_torch_ranges_admit_the_versions_on_this_platform():
    deps = tomllib.loads((paths.REPO / "pyproject.toml").read_text())["project"]["dependencies"]
    from packaging.requirements import Requirement

    versions = {"torch": "2.14.1", "torchvision": "0.29.1"}
    for dep in map(Requirement, deps):
        if dep.name in versions:
            assert dep.specifier.contains(versions[dep.name]), dep


def test_source_notebooks_are_stored_without_outputs():
    for path in paths.NOTEBOOKS.rglob("*.ipynb"):
        nb = json.loads(path.read_text())
        for cell in nb["cells"]:
            assert not cell.get("outputs") and cell.get("execution_count") is None, path


DATACARD_SECTIONS = ("Source|Who made it", "Licence", "Size", "Checksum", "Must not be used for", "Used by")


def test_every_dataset_has_a_complete_datacard_whose_checksums_hold():
    """Source, licence, size, checksum and what it must not be used for; the checksums are the files'."""
    import hashlib
    import re

    users: dict[str, set[str]] = {}
    for unit in units.discover():
        for name in unit.meta["datasets"]:
            users.setdefault(name, set()).add(unit.id)
    folders = [p for p in paths.datasets().iterdir() if p.is_dir() and not p.name.startswith(".")]
    assert set(users) <= {p.name for p in folders}
    for folder in folders:
        card = (folder / "datacard.md").read_text(encoding="utf-8")
        headings = re.findall(r"^## (.+)$", card, re.M)
        for section in DATACARD_SECTIONS:
            assert any(re.match(section, h) for h in headings), (folder.name, section)
        sums = re.findall(r"`([\w.-]+)`[^`\n]*`([0-9a-f]{64})`", card)
        shipped = [(name, digest) for name, digest in sums if (folder / name).is_file()]
        assert shipped or not any(p.suffix in {".npz", ".json"} for p in folder.iterdir()), folder.name
        for name, digest in shipped:
            assert hashlib.sha256((folder / name).read_bytes()).hexdigest() == digest, (folder.name, name)
        used_by = card.split("## Used by", 1)[1]
        assert set(re.findall(r"`([a-z]+-t\d)`", used_by)) == users.get(folder.name, set()), folder.name


def test_readme_names_the_two_commands_and_ci_runs_the_test_command():
    readme = (paths.REPO / "README.md").read_text()
    assert "make demo" in readme and "make test" in readme
    assert "make test" in (paths.REPO / ".ci" / "run").read_text()


def test_the_makefile_finds_every_unit_for_make_demo():
    """``make demo`` loops over $(UNITS); an import error there once left the loop silently empty."""
    import subprocess

    done = subprocess.run(
        ["make", "-s", "--no-print-directory", "-f", "Makefile", "-f", "-", "print-units"],
        input="print-units:\n\t@echo $(UNITS)\n",
        cwd=paths.REPO,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.stdout.split() == [u.id for u in units.discover()], done.stderr


def _ci_run(tmp_path, bwrap_exit: int) -> subprocess.CompletedProcess:
    """.ci/run with stand-ins for apt-get, bwrap and make, so only the script's own logic runs."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir(exist_ok=True)
    for name, body in {
        "apt-get": "exit 0",
        "bwrap": f"exit {bwrap_exit}",
        "make": "echo MAKE RAN $@",
    }.items():
        (bin_dir / name).write_text(f"#!/bin/sh\n{body}\n")
        (bin_dir / name).chmod(0o755)
    env = {"PATH": f"{bin_dir}:/usr/bin:/bin", "HOME": str(tmp_path)}
    return subprocess.run(
        ["bash", str(paths.REPO / ".ci" / "run")], env=env, capture_output=True, text=True, timeout=60
    )


def test_ci_refuses_to_test_where_bubblewrap_cannot_make_namespaces(tmp_path):
    run = _ci_run(tmp_path, bwrap_exit=1)
    assert run.returncode != 0 and "cannot create namespaces" in run.stderr
    assert "MAKE RAN" not in run.stdout


def test_ci_runs_the_readme_test_command_where_the_sandbox_works(tmp_path):
    run = _ci_run(tmp_path, bwrap_exit=0)
    assert run.returncode == 0 and "MAKE RAN test" in run.stdout
