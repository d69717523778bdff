"""A row lock names its own table (docs/locking.md, "Lock only the row you name").

On PostgreSQL `select_for_update()` in a query that also joins (`select_related`) locks
every joined row: an owner's activation once locked the case with its letter, against the
documented order, and deadlocked with a disabling that held the case (CI, stop 21). Read
from the source with `ast`, over every module of our apps but their migrations and tests.
"""

from __future__ import annotations

import ast
from pathlib import Path

from config.tests.test_layering import APPS, ROOT


def _chain(call: ast.Call) -> list[ast.Call]:
    """The calls of one method chain, outermost first: a.b().c().d() gives d, c, b."""
    calls = []
    node: ast.AST = call
    while isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
        calls.append(node)
        node = node.func.value
    return calls


def _locks_joined_rows(source: str) -> list[int]:
    lines = set()
    for node in ast.walk(ast.parse(source)):
        if not isinstance(node, ast.Call):
            continue
        chain = _chain(node)
        names = {c.func.attr: c for c in chain}
        lock = names.get("select_for_update")
        if lock is None or "select_related" not in names:
            continue
        if not any(keyword.arg == "of" for keyword in lock.keywords):
            lines.add(lock.lineno)
    return sorted(lines)


def _modules():
    for app in APPS:
        for path in (ROOT / app).rglob("*.py"):
            parts = path.relative_to(ROOT).parts
            if "migrations" in parts or "tests" in parts:
                continue
            yield path


def test_the_check_sees_a_lock_on_joined_rows():
    bad = 'X.objects.select_for_update().select_related("case").get(pk=1)\n'
    good = 'X.objects.select_for_update(of=("self",)).select_related("case").get(pk=1)\n'
    assert _locks_joined_rows(bad) == [1]
    assert _locks_joined_rows(good) == []


def test_every_lock_that_joins_names_its_own_table():
    found = [
        f"{path.relative_to(ROOT)}:{line}"
        for path in _modules()
        for line in _locks_joined_rows(Path(path).read_text(encoding="utf-8"))
    ]
    assert found == [], "select_for_update with select_related needs of=('self',): " + ", ".join(found)
