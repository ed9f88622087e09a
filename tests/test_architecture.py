"""The import contracts in pyproject.toml hold, and a break of them is caught (docs/architecture.md)."""

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
APPS = ["aln_site", "core", "taxonomy", "members", "courses", "resources", "events", "inquiry", "learning", "home"]
LINT_IMPORTS = Path(sys.executable).with_name("lint-imports")
# Function-local imports between apps: the ones Django needs (AppConfig.ready) and nothing more.
LOCAL_IMPORT_BUDGET = 20


def _lint(cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [str(LINT_IMPORTS), "--no-cache"], cwd=cwd, capture_output=True, text=True, timeout=300, check=False
    )


def test_the_contracts_are_kept():
    result = _lint(ROOT)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "2 kept, 0 broken" in result.stdout


def _copy(tmp_path: Path) -> Path:
    copy = tmp_path / "site"
    copy.mkdir()
    shutil.copy(ROOT / "pyproject.toml", copy)
    for app in APPS:
        shutil.copytree(ROOT / app, copy / app, ignore=shutil.ignore_patterns("__pycache__"))
    return copy


def test_members_importing_courses_breaks_the_layers(tmp_path):
    copy = _copy(tmp_path)
    (copy / "members" / "leak.py").write_text("from courses.models import Enrollment  # noqa: F401\n")
    result = _lint(copy)
    assert result.returncode != 0
    assert "members is not allowed to import courses" in result.stdout


def test_a_sibling_import_breaks_the_layers(tmp_path):
    copy = _copy(tmp_path)
    (copy / "events" / "leak.py").write_text("from resources.selectors import saved_resources  # noqa: F401\n")
    result = _lint(copy)
    assert result.returncode != 0
    assert "events is not allowed to import resources" in result.stdout


def test_a_model_importing_a_service_is_caught(tmp_path):
    copy = _copy(tmp_path)
    models = copy / "members" / "models.py"
    models.write_text(models.read_text() + "\nfrom members import services  # noqa: E402,F401\n")
    result = _lint(copy)
    assert result.returncode != 0
    assert "members.models is not allowed to import members.services" in result.stdout


@pytest.mark.parametrize("app", APPS)
def test_no_app_imports_another_inside_a_function_beyond_ready(app):
    pattern = r"^\s+(from|import) (core|taxonomy|members|courses|resources|events|inquiry|learning|home)\b"
    found = subprocess.run(
        ["grep", "-rnE", pattern, "--include=*.py", "--exclude-dir=migrations", app],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    ).stdout.splitlines()
    # Only an AppConfig.ready() may: the app registry is loaded only then.
    assert [line for line in found if not line.startswith(f"{app}/apps.py:")] == []
    assert len(found) <= LOCAL_IMPORT_BUDGET
