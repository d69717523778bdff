"""The QR codes and printed links point where the portal is served: `make run PORT=…` and
PUBLIC_BASE_URL agree (issue 10)."""

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings

BASE = Path(settings.BASE_DIR)


def runserver_line(cwd: Path, *args: str, env: dict | None = None) -> str:
    """The command `make run` would serve with (make -n prints it, runs nothing)."""
    done = subprocess.run(
        ["make", "-n", "run", *args],
        cwd=cwd,
        env={**{k: v for k, v in os.environ.items() if k != "PUBLIC_BASE_URL"}, **(env or {})},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    (line,) = [line for line in done.stdout.splitlines() if "runserver" in line]
    return line


@pytest.fixture
def project(tmp_path):
    """A copy of the Makefile with no .env, whatever the developer's checkout holds (and the
    files its install steps depend on, empty: `make -n` only reads their dates)."""
    shutil.copy(BASE / "Makefile", tmp_path / "Makefile")
    for needed in ("requirements.txt", "package.json", "package-lock.json"):
        (tmp_path / needed).touch()
    return tmp_path


def test_make_run_on_another_port_points_the_codes_at_that_port(project):
    line = runserver_line(project, "PORT=9123")
    assert "PUBLIC_BASE_URL=http://127.0.0.1:9123 " in line and line.endswith("runserver 127.0.0.1:9123")
    line = runserver_line(project, "HOST=localhost", "PORT=8080")
    assert "PUBLIC_BASE_URL=http://localhost:8080 " in line


def test_a_public_base_url_that_is_set_wins(project):
    assert "PUBLIC_BASE_URL=https://a.example.cn " in runserver_line(project, "PUBLIC_BASE_URL=https://a.example.cn")
    from_env = runserver_line(project, "PORT=9123", env={"PUBLIC_BASE_URL": "https://b.example.cn"})
    assert "PUBLIC_BASE_URL=https://b.example.cn " in from_env
    (project / ".env").write_text("PUBLIC_BASE_URL=https://c.example.cn   # the office's address\n")
    assert "PUBLIC_BASE_URL=https://c.example.cn " in runserver_line(project, "PORT=9123")


def test_the_served_address_reaches_the_printed_verification_link(tmp_path):
    """What `make run` passes is what the documents print (settings read it from the environment)."""
    code = "from documents.context import verification_url; print(verification_url('ABCDEFGH23'))"
    env = {
        **os.environ,
        "PUBLIC_BASE_URL": "http://127.0.0.1:9123",
        "DJANGO_SETTINGS_MODULE": "config.settings.local",
        "VAR_DIR": str(tmp_path),
        "DATABASE_URL": "",
    }
    done = subprocess.run(
        [sys.executable, str(BASE / "manage.py"), "shell", "-c", code],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip().splitlines()[-1] == "http://127.0.0.1:9123/verify/ABCDEFGH23/"
