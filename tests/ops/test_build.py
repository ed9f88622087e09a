"""The build: CI calls Makefile targets only, and the test run never rewrites tracked files."""

import os
import re
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent.parent


def makefile_targets() -> set[str]:
    text = (ROOT / "Makefile").read_text()
    return set(re.findall(r"^([A-Za-z][\w-]*):", text, flags=re.MULTILINE))


def ci_commands() -> list[str]:
    """The commands .ci/run runs after its service start-up and environment (the last `export`)."""
    lines = [line.strip() for line in (ROOT / ".ci" / "run").read_text().splitlines()]
    last_export = max(i for i, line in enumerate(lines) if line.startswith("export "))
    return [line for line in lines[last_export + 1 :] if line and not line.startswith("#")]


def test_ci_runs_only_makefile_targets():
    commands = ci_commands()
    assert commands, ".ci/run runs nothing after setting its environment"
    targets = makefile_targets()
    for command in commands:
        words = command.split()
        assert words[0] == "make", f".ci/run runs {command!r} directly; make it a Makefile target"
        for target in words[1:]:
            assert target in targets, f".ci/run calls `make {target}`, which the Makefile does not define"
    called = {target for command in commands for target in command.split()[1:]}
    assert {"check", "lint", "test", "test-sqlite", "smoke"} <= called, called


def test_screenshots_go_to_a_git_ignored_build_folder():
    from tests.e2e.conftest import SCREENSHOTS as folder

    if not os.environ.get("E2E_SCREENSHOT_DIR"):
        assert folder == ROOT / "build" / "screenshots"
    folder = ROOT / "build" / "screenshots"
    probe = folder.relative_to(ROOT) / "home-desktop.png"
    ignored = subprocess.run(["git", "check-ignore", "-q", str(probe)], cwd=ROOT, check=False)
    assert ignored.returncode == 0, f"{probe} is not git-ignored: `make test` would leave tracked changes"
    assert "screenshots:" in (ROOT / "Makefile").read_text(), "`make screenshots` refreshes docs/screenshots/"
