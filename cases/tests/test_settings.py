import os
import subprocess
import sys

import pytest
from django.conf import settings

# In the database group, which pytest-django runs before the live-server (browser) tests:
# those set DJANGO_ALLOW_ASYNC_UNSAFE in this process, which `check --deploy` refuses.
pytestmark = pytest.mark.django_db


def test_production_settings_pass_check_deploy():
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.production",
        "SECRET_KEY": "x" * 20 + "a-real-looking-secret-key-0123456789-abcdefghij",
        "ALLOWED_HOSTS": "elevator.example.gov.cn",
        "EMAIL_URL": "smtp+tls://user:pass@mail.example.gov.cn:587",
    }
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr
    assert "no issues" in result.stdout
