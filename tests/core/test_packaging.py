"""The app installs like any other Flask app: pyproject.toml lists every package, and a wheel
built from it carries the templates, static files and migrations that create_app finds.

The slow test builds and installs the wheel offline (no build isolation), so it runs only where
setuptools 77 or newer is installed (requirements-dev.txt pins one); README's "Installing as a
package" shows the same check in a fresh virtualenv.
"""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tomllib
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text())
SETUPTOOLS = PYPROJECT["tool"]["setuptools"]
# What a wheel needs from the checkout to build.
SOURCES = ("pyproject.toml", "README.md", "requirements.txt", "config.py", "coworking", "templates", "static", "migrations")


def packages_on_disk() -> set[str]:
    """Every folder of coworking/ holding Python modules, as a dotted package name."""
    folders = {path.parent for path in (ROOT / "coworking").rglob("*.py") if "__pycache__" not in path.parts}
    return {".".join(folder.relative_to(ROOT).parts) for folder in folders}


def test_pyproject_lists_every_package_of_the_app():
    listed = set(SETUPTOOLS["packages"])
    missing = sorted(packages_on_disk() - listed)
    assert missing == [], f"add these to [tool.setuptools] packages in pyproject.toml: {missing}"


def test_the_templates_static_files_and_migrations_ship_inside_the_package():
    for folder in ("templates", "static", "migrations"):
        package = f"coworking.{folder}"
        assert package in SETUPTOOLS["packages"]
        assert SETUPTOOLS["package-dir"][package] == folder
        assert SETUPTOOLS["package-data"][package]


def test_the_dependencies_are_read_from_requirements_txt():
    assert "dependencies" in PYPROJECT["project"]["dynamic"]
    assert SETUPTOOLS["dynamic"]["dependencies"] == {"file": ["requirements.txt"]}


def setuptools_major() -> int:
    try:
        return int(version("setuptools").split(".")[0])
    except PackageNotFoundError:
        return 0


def copy_of_the_sources(destination: Path) -> Path:
    """What the wheel is built from, copied so the build leaves nothing in the checkout."""
    destination.mkdir()
    for name in SOURCES:
        if (ROOT / name).is_dir():
            shutil.copytree(ROOT / name, destination / name, ignore=shutil.ignore_patterns("__pycache__"))
        else:
            shutil.copy2(ROOT / name, destination / name)
    return destination


def run(command: list[str], cwd: Path, env: dict) -> str:
    result = subprocess.run(command, cwd=cwd, env=env, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, f"{' '.join(command)}\n{result.stdout}\n{result.stderr}"
    return result.stdout


RENDER_HOME_PAGE = """
from coworking import create_app
app = create_app()
page = app.test_client().get("/")
assert page.status_code == 200, page.status_code
assert b"</html>" in page.data
assert app.test_client().get("/static/css/app.css").status_code == 200
print(app.template_folder)
"""


@pytest.mark.slow
@pytest.mark.skipif(setuptools_major() < 77, reason="building offline needs setuptools>=77 (requirements-dev.txt)")
def test_an_installed_wheel_serves_pages_from_outside_the_checkout(tmp_path):
    source = copy_of_the_sources(tmp_path / "source")
    target, elsewhere = tmp_path / "site-packages", tmp_path / "elsewhere"
    elsewhere.mkdir()
    env = {**os.environ, "PYTHONDONTWRITEBYTECODE": "1"}
    run([sys.executable, "-m", "pip", "install", "--quiet", "--no-deps", "--no-build-isolation", "--no-index",
         "--target", str(target), str(source)], cwd=tmp_path, env=env)
    for variable in ("DATABASE_URL", "COWORKING_ENV", "SECRET_KEY", "PYTHONPATH"):
        env.pop(variable, None)
    env.update(PYTHONPATH=str(target), COWORKING_INSTANCE=str(tmp_path / "instance"))
    flask = [sys.executable, "-m", "flask", "--app", "coworking"]
    run([*flask, "db", "upgrade"], cwd=elsewhere, env=env)
    assert "bookings.grid" in run([*flask, "routes"], cwd=elsewhere, env=env)
    template_folder = run([sys.executable, "-c", RENDER_HOME_PAGE], cwd=elsewhere, env=env).strip()
    assert Path(template_folder) == target / "coworking" / "templates"
    # Unless told otherwise, an installed app keeps its files under the environment, not site-packages.
    default_instance = run([sys.executable, "-c", "import config; print(config.instance_dir({}))"], cwd=elsewhere, env=env)
    assert Path(default_instance.strip()) == Path(sys.prefix) / "var" / "coworking-instance"
