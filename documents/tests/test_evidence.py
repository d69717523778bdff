"""The evidence bundle (issue 13 §3): the zip opens, every file is in the manifest with its
SHA-256, the manifest's hash is the audit log's, the items the issue names are there, a
failed build keeps nothing, and `evidence_bundle CASE --out FILE.zip` keeps its contract."""

import csv
import hashlib
import io
import time

import pytest
from django.core.management import CommandError, ManagementUtility, call_command
from django.utils import timezone
from pypdf import PdfReader

from audit.models import AuditEvent
from cases.models import Attachment
from cases.tests.factories import unit_with_flats
from demo.tests.factories import CaseFactory
from documents import services
from documents.evidence import INDEX_NAME, MANIFEST_COLUMNS, MANIFEST_NAME, EvidenceItem
from documents.models import BundleStatus, EvidenceBundle

from .evidence_helpers import CORRECTION_REASON, read_zip, rich_case

pytestmark = pytest.mark.django_db


def _build(case, actor=None) -> EvidenceBundle:
    bundle, created = services.evidence_bundle_request(case=case, actor=actor)
    assert created
    return services.evidence_bundle_build(bundle=bundle)


def _manifest(files: dict[str, bytes]) -> list[dict[str, str]]:
    data = files[MANIFEST_NAME]
    assert data.startswith(b"\xef\xbb\xbf"), "UTF-8 with a BOM, so Excel opens it in Chinese"
    rows = list(csv.reader(io.StringIO(data[3:].decode("utf-8"))))
    assert tuple(rows[0]) == MANIFEST_COLUMNS == ("文件", "SHA-256", "时间", "说明")
    return [dict(zip(MANIFEST_COLUMNS, row, strict=True)) for row in rows[1:]]


def check_bundle(data: bytes, bundle: EvidenceBundle) -> tuple[dict[str, bytes], list[dict[str, str]]]:
    """What anyone holding the zip can check: every file listed with a matching hash, the
    manifest's hash the audit log's, the zip's the record's."""
    files = read_zip(data)
    manifest = _manifest(files)
    listed = {row["文件"]: row for row in manifest}
    # Every file a court receives is listed, the index too; the manifest is in the audit log.
    assert set(listed) == set(files) - {MANIFEST_NAME}
    for path, row in listed.items():
        assert hashlib.sha256(files[path]).hexdigest() == row["SHA-256"], path
        assert row["时间"] and row["说明"], path
    event = AuditEvent.objects.get(event="evidence_bundle_built", object_id=str(bundle.pk))
    assert hashlib.sha256(files[MANIFEST_NAME]).hexdigest() == bundle.manifest_sha256 == event.data["manifest_sha256"]
    assert hashlib.sha256(files[INDEX_NAME]).hexdigest() == bundle.index_sha256 == event.data["index_sha256"]
    assert hashlib.sha256(data).hexdigest() == bundle.sha256 == event.data["zip_sha256"]
    return files, manifest


def test_the_bundle_holds_every_item_the_issue_names_each_hashed_in_the_manifest():
    case, clerk = rich_case()
    bundle = _build(case, actor=clerk)
    assert bundle.status == BundleStatus.DONE, bundle.error
    with bundle.file.open("rb") as handle:
        data = handle.read()
    files, manifest = check_bundle(data, bundle)
    paths = set(files)
    assert bundle.items_done == bundle.items_total == len(files)

    # The case's history of steps, with times and who; the files attached to the steps.
    history = files["01-办理记录/办理记录.csv"].decode("utf-8-sig")
    assert "审查通过" in history and "方案初审" in history
    assert any(p.startswith("01-办理记录/附件/") for p in paths)
    # The generated documents as printed, with their verification codes.
    assert any(p.startswith("02-格式文书/增设电梯协议书-第1版-") for p in paths)
    assert any(p.startswith("02-格式文书/增设电梯公示书-第1版-") for p in paths)
    # The notice, its posted version and its photo with the time taken.
    assert "03-公示/公示记录.csv" in paths
    assert any(p.startswith("03-公示/张贴的公示书-第1版-") for p in paths)
    photos = [p for p in paths if p.startswith("03-公示/张贴照片/")]
    assert len(photos) == 1 and photos[0].endswith(".jpg")
    assert "张三" in files["03-公示/公示记录.csv"].decode("utf-8-sig")
    # Every objection: the list, each one's record with its handling, receipt, reply and scan.
    listed = files["03-公示/异议/异议汇总.csv"].decode("utf-8-sig")
    assert "担心采光受影响" not in listed and "经协调解决" in listed and "已受理，待联系" in listed
    first, second = sorted({p.split("/")[2] for p in paths if p.startswith("03-公示/异议/") and p.count("/") == 3})
    record = files[f"03-公示/异议/{first}/异议及处理记录.csv"].decode("utf-8-sig")
    assert "担心采光受影响" in record and "调解协调会" in record and "离窗户再退后0.5米" in record
    assert {
        f"03-公示/异议/{first}/{name}" for name in ("受理回执.pdf", "书面答复.pdf", "书面异议扫描件-01.pdf")
    } <= paths
    reply = "".join(PdfReader(io.BytesIO(files[f"03-公示/异议/{first}/书面答复.pdf"])).pages[0].extract_text().split())
    assert first in reply and "经协调，方案已调整" in reply
    assert f"03-公示/异议/{second}/受理回执.pdf" in paths and f"03-公示/异议/{second}/书面答复.pdf" not in paths
    # Every ballot with its scan and its correction history; the power of attorney.
    ballots = list(csv.DictReader(io.StringIO(files["04-业主表决/第1轮/选票记录.csv"].decode("utf-8-sig"))))
    assert len(ballots) == 7  # six voters, one of them corrected
    corrected = [b for b in ballots if b["状态"] == "已被更正"]
    correction = next(b for b in ballots if b["更正的选票编号"])
    assert len(corrected) == 1 and correction["更正理由"] == CORRECTION_REASON
    assert correction["更正的选票编号"] == corrected[0]["选票编号"]
    assert all(b["签字扫描件"] in paths for b in ballots)
    proxy = next(b for b in ballots if b["代为表决人"])
    assert proxy["代为表决人"] == "王小明" and proxy["委托书"] in paths
    # The tally and the witness record with its scan.
    tally = files["04-业主表决/第1轮/计票结果.csv"].decode("utf-8-sig")
    assert "表决结果,通过" in tally
    assert "林建国" in files["04-业主表决/第1轮/见证记录.csv"].decode("utf-8-sig")
    assert any(p.startswith("04-业主表决/第1轮/见证记录/") for p in paths)
    # The owners' agreement and who confirmed it: on paper, by a proxy with the letter.
    assert any(p.startswith("05-业主协议/协议书-第1版-") for p in paths)
    signatures = list(csv.DictReader(io.StringIO(files["05-业主协议/签署记录.csv"].decode("utf-8-sig"))))
    assert len(signatures) == 6
    signed = [s for s in signatures if s["签署方式"] != "未签署"]
    assert len(signed) == 1 and signed[0]["代签人"] == "李四" and signed[0]["委托书"] in paths
    # Each item's time is the record's own, in Beijing time.
    assert all(row["时间"].endswith("+08:00") or len(row["时间"]) == 10 for row in manifest)

    # The index: the case, its address, who built it, every item with its hash.
    index = "".join("".join(page.extract_text().split()) for page in PdfReader(io.BytesIO(files[INDEX_NAME])).pages)
    assert case.number in index and "证据包目录" in index
    assert case.unit.building.address in index
    assert all(row["SHA-256"] in index for row in manifest if row["文件"] != INDEX_NAME)
    assert (clerk.get_full_name() or clerk.username) in index
    assert all(path.replace(" ", "") in index for path in files if path not in (MANIFEST_NAME, INDEX_NAME))


def test_a_change_to_any_file_is_detectable():
    case, clerk = rich_case()
    bundle = _build(case, actor=clerk)
    files = read_zip(bundle.file.read())
    photo = next(p for p in files if p.startswith("03-公示/张贴照片/"))
    listed = {row["文件"]: row["SHA-256"] for row in _manifest(files)}
    assert hashlib.sha256(files[photo] + b"x").hexdigest() != listed[photo]
    changed_manifest = files[MANIFEST_NAME].replace(listed[photo].encode(), b"0" * 64)
    event = AuditEvent.objects.get(event="evidence_bundle_built", case=case)
    assert hashlib.sha256(changed_manifest).hexdigest() != event.data["manifest_sha256"]


def test_a_file_missing_from_storage_fails_with_a_clear_message_and_keeps_nothing():
    case = CaseFactory(at_step=2)
    attachment = Attachment.objects.filter(case=case).first()
    attachment.file.storage.delete(attachment.file.name)
    bundle = _build(case)
    assert bundle.status == BundleStatus.FAILED
    assert "存储中找不到文件" in bundle.error and "附件" in bundle.error
    assert not bundle.file
    storage = bundle.file.storage
    assert not storage.exists("evidence") or storage.listdir(f"evidence/{case.number}") == ([], [])
    assert AuditEvent.objects.filter(event="evidence_bundle_failed", case=case).count() == 1
    assert not AuditEvent.objects.filter(event="evidence_bundle_built").exists()


def test_a_build_still_running_is_reused_and_one_cut_off_is_replaced():
    case = CaseFactory()
    officer_bundle, created = services.evidence_bundle_request(case=case, actor=None)
    assert created
    again, created = services.evidence_bundle_request(case=case, actor=None)
    assert (again.pk, created) == (officer_bundle.pk, False)
    EvidenceBundle.objects.filter(pk=officer_bundle.pk).update(
        status=BundleStatus.RUNNING, progressed_at=timezone.now() - services.BUNDLE_STALE_AFTER * 2
    )
    fresh, created = services.evidence_bundle_request(case=case, actor=None)
    assert created and fresh.pk != officer_bundle.pk
    officer_bundle.refresh_from_db()
    assert officer_bundle.status == BundleStatus.FAILED and "中断" in officer_bundle.error


def test_a_bare_case_makes_a_bundle_too():
    bundle = _build(CaseFactory())
    assert bundle.status == BundleStatus.DONE, bundle.error
    files, manifest = check_bundle(bundle.file.read(), bundle)
    assert "01-办理记录/办理记录.csv" in files


def test_item_paths_are_ours():
    for path in ("../x.pdf", "/x.pdf", "a//b.pdf", "a\\b.pdf", "manifest.csv", "a/\u202eb.pdf", ""):
        with pytest.raises(ValueError):
            EvidenceItem(path=path, description="x", at=None, data=b"x")
    with pytest.raises(ValueError):
        EvidenceItem(path="a.csv", description="x", at=None)


def test_the_33_flat_unit_builds_in_seconds(capsys):
    """The demo's largest unit (JJ-2026-0001's size): 33 flats, a closed vote with a paper
    ballot file, the four documents printed. The time is printed for the report."""
    case = CaseFactory(unit=unit_with_flats(flats=33), at_step=2)
    for template in ("application", "ballots", "agreement", "notice"):
        services.document_render(case=case, template=template, actor=None)
    started = time.monotonic()
    bundle = _build(case)
    took = time.monotonic() - started
    assert bundle.status == BundleStatus.DONE, bundle.error
    with capsys.disabled():
        print(f"\n33-flat bundle: {bundle.items_total} files, {bundle.size} bytes, {took:.2f} s")
    assert took < 10


# --- the command's contract ------------------------------------------------------------------------


def test_the_command_writes_the_zip_and_prints_only_its_path(tmp_path):
    case = CaseFactory(at_step=2)
    work = tmp_path / "work"  # tmp_path also holds the private storage
    work.mkdir()
    out = work / "证据包.zip"
    stdout, stderr = io.StringIO(), io.StringIO()
    call_command("evidence_bundle", case.number, "--out", str(out), stdout=stdout, stderr=stderr)
    assert stdout.getvalue() == f"{out}\n"
    assert "正在生成" in stderr.getvalue() and "清单SHA-256" in stderr.getvalue()
    bundle = EvidenceBundle.objects.get(case=case)
    assert bundle.requested_by is None and bundle.status == BundleStatus.DONE
    check_bundle(out.read_bytes(), bundle)
    assert [p.name for p in work.iterdir()] == ["证据包.zip"]  # no temporary file left


def test_the_command_refuses_an_unknown_case(tmp_path):
    with pytest.raises(CommandError, match="案件不存在：XX-2026-9999"):
        call_command("evidence_bundle", "XX-2026-9999", "--out", str(tmp_path / "a.zip"))
    assert not (tmp_path / "a.zip").exists()


@pytest.mark.parametrize("where", ["under_a_file", "a_directory", "missing_directory"])
def test_the_command_refuses_a_path_it_cannot_write_before_any_work(tmp_path, where):
    case = CaseFactory()
    work = tmp_path / "work"
    work.mkdir()
    (work / "file.txt").write_text("x")
    out = {
        "under_a_file": work / "file.txt" / "a.zip",
        "a_directory": work,
        "missing_directory": work / "nowhere" / "a.zip",
    }[where]
    with pytest.raises(CommandError, match="无法写入"):
        call_command("evidence_bundle", case.number, "--out", str(out))
    assert not EvidenceBundle.objects.exists()
    assert sorted(p.name for p in work.iterdir()) == ["file.txt"]


def test_the_command_exits_non_zero_through_manage_py(tmp_path):
    """CommandError is how manage.py exits 1 with the message on stderr (BaseCommand.run_from_argv)."""
    with pytest.raises(SystemExit) as exited:
        ManagementUtility(["manage.py", "evidence_bundle", "XX-2026-9999", "--out", str(tmp_path / "a.zip")]).execute()
    assert exited.value.code == 1
