"""The README's commands work when pasted into a shell at the root of a checkout."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).parents[2]
README = (ROOT / "README.md").read_text(encoding="utf-8")
# Commands that ask at the keyboard (a password) are run by people, not by this test.
INTERACTIVE = ("createadmin",)
# `lint` exits 1 when the OKRs it checks have an error: the demo's has one, on purpose.
EXIT_STATUSES = {"lint": (0, 1)}


def readme_commands() -> list[str]:
    """Every `.venv/bin/tandem ...` of the README, in order: shell blocks' lines and inline
    code alike, without their trailing comments."""
    found = []
    for block, inline in re.findall(r"```sh\n(.*?)```|`([^`\n]+)`", README, flags=re.S):
        for line in (block or inline).splitlines():
            command = line.split("  #")[0].strip()
            if command.startswith(".venv/bin/tandem "):
                found.append(command)
    return found


def test_the_readme_shows_every_command_with_its_path_in_the_checkout() -> None:
    commands = readme_commands()
    assert ".venv/bin/tandem token create ben --scope write" in commands
    # A bare `tandem ...` with options would fail when pasted: `tandem` is not on the PATH.
    bare = re.findall(r"(?<![/\w])`(tandem \w+ [^`]*--[^`]*)`", README)
    assert not [command for command in bare if "serve --demo" not in command], bare


def test_the_readme_commands_work_when_pasted(tmp_path: Path) -> None:
    """Run in order, as a newcomer would, in a scratch data directory and a scratch working
    directory that sees the checkout's `.venv` and `tandem/` (so files they write, such as
    `backup.yaml`, land there)."""
    work = tmp_path / "checkout"
    work.mkdir()
    (work / ".venv").symlink_to(Path(sys.executable).parents[1])
    (work / "tandem").symlink_to(ROOT / "tandem")
    env = {key: value for key, value in os.environ.items() if not key.startswith("TANDEM_")}
    env["TANDEM_DATA_DIR"] = str(tmp_path / "data")
    ran = []
    for pasted in readme_commands():
        name = pasted.split()[1]
        if name in INTERACTIVE:
            continue
        # Files the README writes to /tmp go to the scratch directory instead.
        command = pasted.replace("/tmp/", f"{tmp_path}/")
        result = subprocess.run(
            ["bash", "-c", command],
            cwd=work,
            env=env,
            capture_output=True,
            text=True,
            stdin=subprocess.DEVNULL,
            timeout=300,
            check=False,
        )
        assert result.returncode in EXIT_STATUSES.get(name, (0,)), (command, result.stderr)
        ran.append(name)
    assert {"report", "lint", "import", "export", "token", "generate"} <= set(ran)


def test_make_demo_serves_on_the_port_and_address_given() -> None:
    def dry_run(*args: str) -> str:
        # Nor a parent make's flags and level (CI runs the tests under `make test`, where a
        # child make would print "Leaving directory" lines).
        ignored = ("PORT", "HOST", "MAKEFLAGS", "MFLAGS", "MAKELEVEL", "MAKEOVERRIDES")
        env = {key: value for key, value in os.environ.items() if key not in ignored}
        made = subprocess.run(
            ["make", "--no-print-directory", "-n", "demo", *args],
            cwd=ROOT,
            env=env | {"PORT": "9999"},  # an environment's PORT is not the demo's
            capture_output=True,
            text=True,
            check=True,
        )
        return made.stdout.splitlines()[-1]

    assert dry_run().endswith("tandem serve --demo --host 127.0.0.1 --port 8000")
    assert dry_run("PORT=8001").endswith("--port 8001")
    assert dry_run("PORT=8001", "HOST=0.0.0.0").endswith("--host 0.0.0.0 --port 8001")
    assert "`make demo PORT=8001`" in README
