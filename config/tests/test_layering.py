"""The apps' imports point down and never in a circle (issue 11, §2 and §5).

cases/ is the ground floor: it imports none of the apps built on it; voting/ builds on
cases alone; documents/ may read both; config/ holds them together. Every import sits at
the top of its module, so a module's first lines say what it depends on, and no import
hides in a function to get round a cycle: there is none to get round.

Read from the source with `ast` (nothing is imported), over every module of our apps but
their migrations and tests, function-level imports included.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

# Our apps, those that exist in this checkout are read.
APPS = (
    "cases",
    "voting",
    "documents",
    "notices",
    "config",
    "funding",
    "audit",
    "owners",
    "demo",
    "upkeep",
    "notifications",
    "oversight",
)

# What an app must not import: the apps built on it. From the ground up: audit (the log,
# knows no case), cases, then voting and funding (each on cases alone), documents (prints both),
# notices (on cases and documents), owners (the owners' portal: reads all of them; nothing
# reads it), demo (seeds everything; nothing imports it).
FORBIDDEN = {
    "audit": (
        "cases",
        "voting",
        "funding",
        "documents",
        "notices",
        "upkeep",
        "owners",
        "demo",
        "notifications",
        "oversight",
    ),
    "cases": ("voting", "funding", "documents", "notices", "upkeep", "owners", "demo", "notifications", "oversight"),
    "voting": ("funding", "documents", "notices", "upkeep", "owners", "demo", "notifications", "oversight"),
    "funding": ("voting", "documents", "notices", "upkeep", "owners", "demo", "notifications", "oversight"),
    "documents": ("notices", "upkeep", "owners", "demo", "notifications", "oversight"),
    # notices (the public notice of step 2) stands on cases and documents; owners may read it.
    "notices": ("voting", "funding", "upkeep", "owners", "demo", "notifications", "oversight"),
    # upkeep (after the elevator runs) stands on cases, funding (the agreement's sharing rule)
    # and documents (the PDF exports); owners may read it.
    "upkeep": ("voting", "notices", "owners", "demo", "notifications", "oversight"),
    "owners": ("oversight", "demo"),
    # notifications (mail and the inbox) stands on every app whose events it tells of;
    # the owners' portal shows its inbox.
    "notifications": ("owners", "oversight", "demo"),
    # oversight (dashboards, exports, the log viewer) reads every app; nothing reads it.
    "oversight": ("owners", "demo"),
}

# Imports inside a function that are right there, each with its reason.
ALLOWED_IN_FUNCTIONS = {
    # Django imports apps.py before any model exists; AppConfig.ready() is its documented
    # place for what needs the models (the registrations into cases/extensions.py).
    "ready() of an apps.py": lambda found: found.module.endswith(".apps") and found.function == "ready",
}

# Known exceptions, each pair (importing module, what it imports); none left since issue 11's
# branches merged. `test_known_until_merge_is_still_true` names an entry no longer needed.
KNOWN_UNTIL_MERGE: set[tuple[str, str]] = set()  # emptied when the branches of issue 11 merged


@dataclass(frozen=True)
class Import:
    module: str  # the importing module, dotted
    target: str  # the imported module (or, for `from x import name`, x.name when that is a module)
    line: int
    function: str | None  # the function it sits in; None at the top of the module

    def __str__(self) -> str:
        where = f" in {self.function}()" if self.function else ""
        return f"{self.module}:{self.line}{where} imports {self.target}"


def modules_of(root: Path, apps=APPS) -> dict[str, Path]:
    """Our modules by dotted name, without migrations and tests."""
    found = {}
    for app in apps:
        for path in sorted((root / app).rglob("*.py")):
            parts = path.relative_to(root).with_suffix("").parts
            if "migrations" in parts or "tests" in parts:
                continue
            if parts[-1] == "__init__":
                parts = parts[:-1]
            found[".".join(parts)] = path
    return found


def _absolute(module: str, is_package: bool, node: ast.ImportFrom) -> str:
    if not node.level:
        return node.module or ""
    package = module.split(".") if is_package else module.split(".")[:-1]
    base = package[: len(package) - (node.level - 1)]
    return ".".join(base + ([node.module] if node.module else []))


def imports_in(module: str, path: Path, known: set[str]) -> list[Import]:
    """Every import of the module, at its top and in its functions."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    is_package = path.name == "__init__.py"
    found = []

    def visit(node: ast.AST, function: str | None) -> None:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda):
                visit(child, function or getattr(child, "name", "<lambda>"))
                continue
            if isinstance(child, ast.Import):
                found.extend(Import(module, alias.name, child.lineno, function) for alias in child.names)
            elif isinstance(child, ast.ImportFrom):
                base = _absolute(module, is_package, child)
                for alias in child.names:
                    submodule = f"{base}.{alias.name}"
                    found.append(Import(module, submodule if submodule in known else base, child.lineno, function))
            visit(child, function)

    visit(tree, None)
    return found


def all_imports(root: Path = ROOT, apps=APPS) -> list[Import]:
    modules = modules_of(root, apps)
    return [found for module, path in modules.items() for found in imports_in(module, path, set(modules))]


def find_cycle(graph: dict[str, set[str]]) -> list[str] | None:
    """One cycle of the graph as its modules in order, the first repeated at the end; None
    when there is none."""
    state: dict[str, int] = {}  # 1: on the current path, 2: done
    path: list[str] = []

    def walk(node: str) -> list[str] | None:
        state[node] = 1
        path.append(node)
        for nxt in sorted(graph.get(node, ())):
            if state.get(nxt) == 1:
                return path[path.index(nxt) :] + [nxt]
            if nxt not in state:
                cycle = walk(nxt)
                if cycle:
                    return cycle
        path.pop()
        state[node] = 2
        return None

    for node in sorted(graph):
        if node not in state:
            cycle = walk(node)
            if cycle:
                return cycle
    return None


def _known(found: Import) -> bool:
    return (found.module, found.target) in KNOWN_UNTIL_MERGE


def _lines(found) -> list[str]:
    """Each offending import once (`from x import a, b` is one line), in the modules' order."""
    return list(dict.fromkeys(str(f) for f in found))


def _app(dotted: str) -> str:
    return dotted.split(".")[0]


@pytest.fixture(scope="module")
def imports() -> list[Import]:
    return all_imports()


def test_the_apps_import_only_the_apps_below_them(imports):
    wrong = _lines(
        found for found in imports if _app(found.target) in FORBIDDEN.get(_app(found.module), ()) and not _known(found)
    )
    assert not wrong, "An app imports one built on it (cases/ is the ground floor):\n" + "\n".join(wrong)


def test_no_import_cycle_between_our_modules(imports):
    ours = {found.module for found in imports} | set(modules_of(ROOT))
    graph: dict[str, set[str]] = {}
    for found in imports:
        if found.target in ours and found.target != found.module and not _known(found):
            graph.setdefault(found.module, set()).add(found.target)
    cycle = find_cycle(graph)
    assert cycle is None, "Import cycle: " + " -> ".join(cycle)


def test_every_import_sits_at_the_top_of_its_module(imports):
    inside = _lines(
        found
        for found in imports
        if found.function is not None
        and not _known(found)
        and not any(allowed(found) for allowed in ALLOWED_IN_FUNCTIONS.values())
    )
    assert not inside, "Imports inside functions (move them to the top; remove the cycle they avoid):\n" + "\n".join(
        inside
    )


def test_known_until_merge_is_still_true(imports):
    """An entry whose import is gone is taken out, so the list shrinks to empty."""
    still = {(found.module, found.target) for found in imports}
    gone = sorted(KNOWN_UNTIL_MERGE - still)
    assert not gone, f"KNOWN_UNTIL_MERGE lists imports no longer there; remove: {gone}"


# --- the checks catch what they are for ------------------------------------------------------


def _write(root: Path, files: dict[str, str]) -> None:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")


def test_the_reader_sees_relative_imports_cycles_and_imports_in_functions(tmp_path):
    _write(
        tmp_path,
        {
            "cases/__init__.py": "",
            "cases/models.py": "from . import services\n",
            "cases/services.py": "def f():\n    from voting.selectors import x\n",
            "cases/migrations/0001_initial.py": "import voting.models\n",
            "voting/__init__.py": "",
            "voting/selectors.py": "from cases import models\nfrom .models import Vote\n",
            "voting/models.py": "import cases.services\n",
        },
    )
    found = all_imports(tmp_path, apps=("cases", "voting"))
    assert {(f.module, f.target, f.function) for f in found} == {
        ("cases.models", "cases.services", None),
        ("cases.services", "voting.selectors", "f"),
        ("voting.selectors", "cases.models", None),
        ("voting.selectors", "voting.models", None),
        ("voting.models", "cases.services", None),
    }
    graph = {}
    for f in found:
        graph.setdefault(f.module, set()).add(f.target)
    cycle = find_cycle(graph)
    assert cycle is not None and cycle[0] == cycle[-1]
    assert set(cycle) == {"cases.models", "cases.services", "voting.selectors"}
    del graph["cases.services"]
    assert find_cycle(graph) is None
