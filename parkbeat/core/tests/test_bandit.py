"""SECURITY E1: ORM or parameterised SQL only — bandit finds no medium- or high-severity issue in the code.

Tests and migrations are left out (asserts and fixtures are fine there). A justified exception is
marked in the code with `# nosec <id>` and the reason on the same line.
"""
import shutil
import subprocess  # nosec B404 - runs the bandit executable of this virtualenv with fixed arguments
import sys
from pathlib import Path

from parkbeat.core.tests.services import must_have

ROOT = Path(__file__).resolve().parents[3]


def _bandit():
    beside_python = Path(sys.executable).with_name("bandit")
    return str(beside_python) if beside_python.exists() else shutil.which("bandit")


def test_bandit_finds_no_medium_or_high_issue():
    bandit = _bandit()
    must_have(bandit is not None, "bandit is not installed: pip install -e '.[dev]'")

    result = subprocess.run(  # nosec B603 - fixed argument list, no shell
        [bandit, "-q", "-r", "parkbeat", "-x", "*/tests/*,*/migrations/*", "-ll", "-f", "txt"],
        cwd=ROOT, capture_output=True, text=True, timeout=300, check=False)

    assert result.returncode == 0, f"bandit found issues (exit {result.returncode}):\n{result.stdout}{result.stderr}"


def test_bandit_would_catch_raw_sql_built_from_input(tmp_path):
    """The check is live: string-built SQL in a module is reported at medium severity."""
    bandit = _bandit()
    must_have(bandit is not None, "bandit is not installed: pip install -e '.[dev]'")
    bad = tmp_path / "bad.py"
    bad.write_text("def find(cursor, name):\n    cursor.execute(\"SELECT * FROM t WHERE name = '%s'\" % name)\n")

    result = subprocess.run(  # nosec B603 - fixed argument list, no shell
        [bandit, "-q", "-ll", str(bad)], capture_output=True, text=True, timeout=120, check=False)

    assert result.returncode == 1
    assert "B608" in result.stdout  # hardcoded_sql_expressions
