"""What the README says about versions and CI matches pyproject.toml and .ci/run."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _lower_bounds() -> dict[str, str]:
    with open(ROOT / "pyproject.toml", "rb") as f:
        dependencies = tomllib.load(f)["project"]["dependencies"]
    bounds = {}
    for requirement in dependencies:
        match = re.fullmatch(r"([A-Za-z0-9._-]+)>=([0-9][0-9.]*)", requirement.replace(" ", ""))
        assert match, f"{requirement!r} needs a '>=' lower bound (CI installs exactly it)"
        bounds[match[1].lower()] = match[2]
    return bounds


def test_readme_tested_with_line_names_the_declared_minimums():
    text = " ".join((ROOT / "README.md").read_text("utf-8").split())
    match = re.search(r"Tested with Python ([0-9.]+),.*?allows: (.*?)\.(\s|$)", text)
    assert match, "README.md lost its 'Tested with' line"
    named = dict(item.rsplit(" ", 1) for item in match[2].split(", "))
    assert {k.lower(): v for k, v in named.items()} == _lower_bounds()
    with open(ROOT / "pyproject.toml", "rb") as f:
        assert tomllib.load(f)["project"]["requires-python"] == f">={match[1]}"


def test_ci_checks_the_readme_commands_it_runs():
    block = re.search(r"```bash\n(.*?)```", (ROOT / "README.md").read_text("utf-8"), re.DOTALL)
    assert block
    commands = [line for line in block[1].splitlines() if line.strip()
                and not line.lstrip().startswith("#")]
    script = (ROOT / ".ci" / "run").read_text("utf-8")
    assert len(commands) == 2
    for command in commands:
        assert f"'{command}'" in script, command
