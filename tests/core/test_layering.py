"""The shape of the code, read from the source with ``ast`` (nothing is imported):

- every module of coworking/ is at most 400 lines and opens with a docstring saying what it holds;
- areas depend downward only: each imports just the areas ALLOWED lists for it (imports inside
  ``if TYPE_CHECKING:`` do not count: they never run);
- core modules (coworking/*.py) import no area, except the composition roots that assemble the app;
- nothing imports a views module except the blueprint registration.

A new area goes into ALLOWED, with the areas it may import.
"""
from __future__ import annotations

import ast
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PACKAGE = ROOT / "coworking"
MAX_LINES = 400

# The areas each area may import, besides itself and the core modules. The order is
# accounts -> hubs -> bookings -> memberships -> billing -> feeds -> api, with the ledger beside
# them: it knows only accounts and hubs, and billing feeds it through service calls. A lower
# area that must let a higher one react sends a signal (coworking/events.py) instead.
ALLOWED: dict[str, set[str]] = {
    "accounts": set(),
    "hubs": {"accounts"},
    "bookings": {"accounts", "hubs"},
    "memberships": {"accounts", "hubs", "bookings"},
    "ledger": {"accounts", "hubs"},
    "billing": {"accounts", "hubs", "bookings", "memberships", "ledger"},
    "feeds": {"accounts", "hubs", "bookings", "memberships", "billing", "ledger"},
    "api": {"accounts", "hubs", "bookings", "memberships", "billing", "ledger", "feeds"},
}
# The core modules that assemble the app from its areas; no area imports them.
COMPOSITION_ROOTS = {"coworking", "coworking.cli", "coworking.demo", "coworking.models"}
# Where blueprints are registered: the only importers of views modules.
BLUEPRINT_REGISTRATION = {"coworking", "coworking.api"}


@dataclass(frozen=True)
class Import:
    module: str  # the dotted name of the module imported
    line: int


@dataclass(frozen=True)
class Module:
    path: Path

    @cached_property
    def source(self) -> str:
        return self.path.read_text(encoding="utf-8")

    @cached_property
    def tree(self) -> ast.Module:
        return ast.parse(self.source, filename=str(self.path))

    @property
    def where(self) -> str:
        return self.path.relative_to(ROOT).as_posix()

    @property
    def name(self) -> str:
        parts = self.path.relative_to(ROOT).with_suffix("").parts
        return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)

    @property
    def area(self) -> str | None:
        return area_of(self.name)

    @property
    def is_package(self) -> bool:
        return self.path.name == "__init__.py"

    def imports(self) -> list[Import]:
        """The coworking modules this one imports when it runs."""
        finder = RunTimeImports(self)
        finder.visit(self.tree)
        return finder.found


def area_of(module_name: str) -> str | None:
    """'coworking.bookings.models' -> 'bookings'; None for a core module such as coworking.money."""
    parts = module_name.split(".")
    if len(parts) > 1 and (PACKAGE / parts[1]).is_dir():
        return parts[1]
    return None


def views_package(module_name: str) -> str | None:
    """'coworking.bookings.views.member' -> 'coworking.bookings.views'; None outside any views."""
    parts = module_name.split(".")
    return ".".join(parts[: parts.index("views") + 1]) if "views" in parts[2:] else None


MODULES = sorted((Module(path) for path in PACKAGE.rglob("*.py") if "__pycache__" not in path.parts), key=lambda m: m.where)
MODULE_NAMES = {module.name for module in MODULES}


def is_type_checking(test: ast.expr) -> bool:
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


class RunTimeImports(ast.NodeVisitor):
    """Collects a module's imports of coworking modules, leaving out ``if TYPE_CHECKING:`` blocks."""

    def __init__(self, module: Module):
        self.module = module
        self.found: list[Import] = []

    def visit_If(self, node: ast.If) -> None:
        if is_type_checking(node.test):
            for statement in node.orelse:
                self.visit(statement)
        else:
            self.generic_visit(node)

    def visit_Import(self, node: ast.Import) -> None:
        for alias in node.names:
            self.add(alias.name, node.lineno)

    def visit_ImportFrom(self, node: ast.ImportFrom) -> None:
        base = self.absolute(node)
        for alias in node.names:
            # `from coworking.bookings import services` imports the module coworking.bookings.services.
            submodule = f"{base}.{alias.name}"
            self.add(submodule if submodule in MODULE_NAMES else base, node.lineno)

    def absolute(self, node: ast.ImportFrom) -> str:
        if not node.level:
            return node.module or ""
        package = self.module.name if self.module.is_package else self.module.name.rpartition(".")[0]
        for _ in range(node.level - 1):
            package = package.rpartition(".")[0]
        return f"{package}.{node.module}" if node.module else package

    def add(self, name: str, line: int) -> None:
        if name == "coworking" or name.startswith("coworking."):
            self.found.append(Import(name, line))


# --- size and docstrings --------------------------------------------------------------------

def over_the_limit(modules: list[Module]) -> list[str]:
    return [f"{m.where}: {len(m.source.splitlines())} lines" for m in modules if len(m.source.splitlines()) > MAX_LINES]


def test_no_module_is_over_400_lines():
    assert over_the_limit(MODULES) == [], f"split these modules (at most {MAX_LINES} lines each)"


def test_every_module_opens_with_a_docstring_saying_what_it_holds():
    # An empty __init__.py only marks a package: it has nothing to say.
    missing = [m.where for m in MODULES if m.source.strip() and ast.get_docstring(m.tree) is None]
    assert missing == []


# --- which area imports which ---------------------------------------------------------------

def test_every_area_is_in_the_table_of_allowed_imports():
    areas = {path.name for path in PACKAGE.iterdir() if path.is_dir() and path.name != "__pycache__"}
    assert sorted(areas - set(ALLOWED)) == [], "add the new area to ALLOWED in tests/core/test_layering.py"


def test_the_table_has_no_two_way_imports():
    both_ways = [(a, b) for a, allowed in ALLOWED.items() for b in allowed if a in ALLOWED.get(b, set())]
    assert both_ways == []
    assert all(area not in allowed for area, allowed in ALLOWED.items())


def upward_imports(module: Module) -> list[str]:
    problems = []
    for found in module.imports():
        target = area_of(found.module)
        if target is None and found.module in COMPOSITION_ROOTS:
            problems.append(f"{module.where}:{found.line} imports {found.module}, which assembles the whole app")
        elif target not in (None, module.area) and target not in ALLOWED[module.area]:
            allowed = ", ".join(sorted(ALLOWED[module.area])) or "no other area"
            problems.append(f"{module.where}:{found.line} imports {found.module} ({module.area} may import {allowed})")
    return problems


@pytest.mark.parametrize("area", sorted(ALLOWED))
def test_an_area_imports_only_the_areas_below_it(area):
    problems = [problem for m in MODULES if m.area == area for problem in upward_imports(m)]
    assert problems == []


def test_core_modules_import_no_area_except_the_composition_roots():
    core = [m for m in MODULES if m.area is None and m.name not in COMPOSITION_ROOTS]
    problems = [
        f"{m.where}:{found.line} imports {found.module}"
        for m in core
        for found in m.imports()
        if area_of(found.module) is not None
    ]
    assert problems == [], "move the shared piece to a core module, or have the area call the core one"


def imports_of_views(modules: list[Module]) -> list[str]:
    problems = []
    for module in modules:
        if module.name in BLUEPRINT_REGISTRATION:
            continue
        for found in module.imports():
            target = views_package(found.module)
            # A views package split into modules may import its own parts.
            if target is not None and target != views_package(module.name):
                problems.append(f"{module.where}:{found.line} imports {found.module}")
    return problems


def test_only_the_blueprint_registration_imports_views():
    assert imports_of_views(MODULES) == [], "move what is shared out of the views module"


# --- the reader itself ----------------------------------------------------------------------

def module_from(source: str, path: str = "hubs/example.py") -> Module:
    """A module as if it were at coworking/<path>, holding ``source``."""
    module = Module(PACKAGE / path)
    module.__dict__["source"] = source  # fills the cached_property, so the file is never read
    return module


def test_imports_under_type_checking_do_not_count():
    module = module_from(
        "from typing import TYPE_CHECKING\n"
        "import typing\n"
        "if TYPE_CHECKING:\n"
        "    from coworking.bookings.models import Booking\n"
        "if typing.TYPE_CHECKING:\n"
        "    from coworking.feeds import services\n"
        "def later():\n"
        "    from coworking.api import views\n"
    )
    assert [found.module for found in module.imports()] == ["coworking.api.views"]


def test_relative_and_from_package_imports_name_the_module():
    module = module_from("from . import models\nfrom ..bookings import operations\nfrom coworking import money\n")
    assert [found.module for found in module.imports()] == [
        "coworking.hubs.models", "coworking.bookings.operations", "coworking.money"
    ]
    assert upward_imports(module) == ["coworking/hubs/example.py:2 imports coworking.bookings.operations (hubs may import accounts)"]


def test_a_views_package_may_import_its_own_parts_but_nobody_else_may():
    own_part = module_from("from coworking.bookings.views import grid\n", "bookings/views/member.py")
    other_area = module_from("from coworking.hubs.views import bp\n", "feeds/views.py")
    assert imports_of_views([own_part]) == []
    assert imports_of_views([other_area]) == ["coworking/feeds/views.py:1 imports coworking.hubs.views"]
