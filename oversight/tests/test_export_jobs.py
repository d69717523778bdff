"""A long list's export runs in the background (issue 16 §4): the click records a job and
opens its progress page (n/N, polled by documents/evidence.js); a thread writes the file
after the commit (here, as documents' evidence-bundle tests do, the captured callback is not
run and the test runs the job in its own thread); the file is private to its owner, and each
download is logged."""

import io
import json

import openpyxl
import pytest
from django.urls import reverse

from audit.models import AuditEvent
from cases.tests.factories import OwnerFactory, jurisdiction, officer
from oversight import exports_services as services
from oversight.models import ExportJob, ExportStatus

pytestmark = pytest.mark.django_db


@pytest.fixture
def small_sync_limit(settings):
    settings.EXPORT_SYNC_MAX_ROWS = 3


def test_a_long_list_exports_in_the_background_with_progress(
    client, small_sync_limit, django_capture_on_commit_callbacks
):
    for i in range(5):
        OwnerFactory(name=f"业主{i}")
    OwnerFactory(name="鲤城业主", jurisdiction=jurisdiction("LC"))
    user = officer("FZ")
    client.force_login(user)
    url = reverse("admin:oversight_export", args=["cases", "owner", "xlsx"]) + "?q=业主"

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = client.get(url)
    job = ExportJob.objects.get()
    progress_url = reverse("admin:oversight_export_progress", args=[job.pk])
    assert response.status_code == 302 and response["Location"] == progress_url
    assert len(callbacks) == 1  # the thread starts once the job's row is committed
    assert (job.owner, job.status, job.rows_total, job.list_name) == (user, ExportStatus.PENDING, 5, "业主")
    assert job.query == "q=%E4%B8%9A%E4%B8%BB"

    page = client.get(progress_url).content.decode()
    status_url = reverse("admin:oversight_export_status", args=[job.pk])
    assert f'data-status-url="{status_url}"' in page and "documents/evidence.js" in page
    assert "正在准备导出" in page
    ExportJob.objects.filter(pk=job.pk).update(status=ExportStatus.RUNNING, rows_done=2)
    assert json.loads(client.get(status_url).content)["text"] == "正在导出… 2/5"
    assert "正在导出… 2/5" in client.get(progress_url).content.decode()

    job = services.export_job_run(job=ExportJob.objects.get(pk=job.pk))  # what the thread runs
    assert job.status == ExportStatus.DONE and job.rows_done == 5 and job.file.name.startswith("exports/")
    state = json.loads(client.get(status_url).content)
    download_url = reverse("admin:oversight_export_download", args=[job.pk])
    assert state["finished"] and state["download_url"] == download_url
    page = client.get(progress_url).content.decode()
    assert "导出完成：共5行。" in page and download_url in page

    response = client.get(download_url)
    assert response.status_code == 200 and "no-store" in response["Cache-Control"]
    rows = list(
        openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content))).active.iter_rows(values_only=True)
    )
    assert rows[0][0] == "姓名/名称" and sorted(r[0] for r in rows[1:]) == [f"业主{i}" for i in range(5)]
    assert AuditEvent.objects.filter(event="list_exported", actor=user, data__rows=5).exists()
    assert AuditEvent.objects.filter(event="export_downloaded", actor=user, object_id=str(job.pk)).count() == 1

    # 我的导出 lists it, with its download.
    mine = client.get(reverse("admin:oversight_exportjob_changelist")).content.decode()
    assert download_url in mine


def test_jobs_are_visible_to_their_owner_alone(client, small_sync_limit, django_capture_on_commit_callbacks):
    for _i in range(4):
        OwnerFactory()
    owner = officer("FZ")
    client.force_login(owner)
    with django_capture_on_commit_callbacks(execute=False):
        client.get(reverse("admin:oversight_export", args=["cases", "owner", "csv"]))
    job = services.export_job_run(job=ExportJob.objects.get())
    assert job.status == ExportStatus.DONE
    assert job.file.open("rb").read().startswith("\ufeff".encode())

    for other in (officer("FZ"), officer("LC"), officer("FZ", role="city_supervisor")):
        client.force_login(other)
        for name in (
            "admin:oversight_export_progress",
            "admin:oversight_export_status",
            "admin:oversight_export_download",
        ):
            assert client.get(reverse(name, args=[job.pk])).status_code == 404, (other, name)
        assert (
            reverse("admin:oversight_export_download", args=[job.pk])
            not in client.get(reverse("admin:oversight_exportjob_changelist")).content.decode()
        )


def test_a_job_reads_the_list_with_its_owners_rights_at_run_time(
    client, small_sync_limit, django_capture_on_commit_callbacks
):
    for _i in range(4):
        OwnerFactory()
    user = officer("FZ")
    client.force_login(user)
    with django_capture_on_commit_callbacks(execute=False):
        client.get(reverse("admin:oversight_export", args=["cases", "owner", "xlsx"]))
    user.groups.clear()  # the right is gone before the thread runs
    job = services.export_job_run(job=ExportJob.objects.select_related("owner").get())
    assert job.status == ExportStatus.FAILED and "权限" in job.error and not job.file
    client.force_login(user)
    assert "导出失败" in client.get(reverse("admin:oversight_export_progress", args=[job.pk])).content.decode()


def test_an_interrupted_job_says_so(client):
    user = officer("FZ")
    job = ExportJob.objects.create(owner=user, list_label="cases.owner", list_name="业主", format="xlsx", rows_total=9)
    ExportJob.objects.filter(pk=job.pk).update(
        status=ExportStatus.RUNNING, progressed_at=job.created_at - services.EXPORT_STALE_AFTER * 2
    )
    client.force_login(user)
    state = json.loads(client.get(reverse("admin:oversight_export_status", args=[job.pk])).content)
    assert state["finished"] and "导出中断" in state["text"]


def test_the_thread_is_started_after_commit(monkeypatch, small_sync_limit, client, django_capture_on_commit_callbacks):
    """The callback starts a named thread that runs the job and closes its connection."""
    started = []

    class FakeThread:
        def __init__(self, target, args, name, daemon):
            started.append((target, args, name, daemon))

        def start(self):
            pass

    monkeypatch.setattr(services.threading, "Thread", FakeThread)
    for _i in range(4):
        OwnerFactory()
    client.force_login(officer("FZ"))
    with django_capture_on_commit_callbacks(execute=True):
        client.get(reverse("admin:oversight_export", args=["cases", "owner", "xlsx"]))
    job = ExportJob.objects.get()
    assert started == [(services._run_and_close, (job.pk,), f"list-export-{job.pk}", False)]
