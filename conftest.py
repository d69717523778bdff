"""Fixtures for the whole suite."""

import pytest


@pytest.fixture(autouse=True)
def _private_files_in_tmp(settings, tmp_path):
    """Uploads and generated PDFs go to a fresh folder per test, never the real var/."""
    location = str(tmp_path / "private")
    settings.MEDIA_ROOT = location
    settings.STORAGES = {**settings.STORAGES, "default": {**settings.STORAGES["default"], "OPTIONS": {"location": location, "base_url": None}}}


@pytest.fixture
def on_postgres():
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL (row locks and real concurrency); .ci/run runs it there")

