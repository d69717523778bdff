"""`make test` runs pytest with no paths, so pytest collects only the folders pyproject.toml's
`testpaths` names: an app whose tests/ folder is missing there has its tests silently
skipped by CI (notices' and owners' were, until this test)."""

import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_every_folder_with_tests_is_collected_by_make_test():
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    collected = set(config["tool"]["pytest"]["ini_options"]["testpaths"])
    with_tests = {
        path.parent.parent.name
        for path in ROOT.glob("*/tests/__init__.py")
        if not path.parent.parent.name.startswith(".") and path.parent.parent.name != "node_modules"
    }
    assert with_tests, "no test folders found"
    assert with_tests - collected == set()


def test_every_app_is_linted_by_make_lint():
    # The Makefile's LINTED list, like testpaths, names each app by hand; a new app missing
    # there is never checked by ruff in CI (notifications' and oversight's were not).
    line = next(
        line for line in (ROOT / "Makefile").read_text(encoding="utf-8").splitlines() if line.startswith("LINTED :=")
    )
    linted = set(line.split(":=", 1)[1].split())
    apps = {path.parent.name for path in ROOT.glob("*/apps.py") if path.parent.name != "config"}
    assert apps, "no apps found"
    assert apps - linted == set()
