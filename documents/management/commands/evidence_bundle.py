"""python manage.py evidence_bundle CASE_NUMBER --out FILE.zip

Builds the case's evidence bundle (documents.evidence: the index 目录.pdf, manifest.csv with
文件, SHA-256, 时间, 说明, and every item), writes it to FILE.zip and prints its path — the
only line on stdout; the progress goes to stderr. The bundle is recorded and kept like one
built from the bundle page (actor: the system), its hashes in the audit log.

An unknown case or a path that cannot be written exits non-zero with the reason in
Chinese, before any work is done; a build that fails leaves no file at FILE.zip (the zip is
written beside it under a temporary name and renamed at the end).
"""

import os
import shutil
import tempfile
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from cases.models import Case
from documents.models import BundleStatus
from documents.services import evidence_bundle_build, evidence_bundle_request


class Command(BaseCommand):
    help = "生成案件的证据包（目录、清单 manifest.csv 及全部证据文件），写入指定的 zip 文件并输出其路径。"

    def add_arguments(self, parser):
        parser.add_argument("case_number", help="案件编号，如 FZ-2026-0001")
        parser.add_argument("--out", required=True, help="输出的 zip 文件路径，如 FZ-2026-0001-证据包.zip")

    def handle(self, *args, case_number: str, out: str, **options):
        number = case_number.strip()
        case = Case.objects.filter(number=number).first() or Case.objects.filter(number__iexact=number).first()
        if case is None:
            raise CommandError(f"案件不存在：{case_number}")
        target = Path(out)
        if target.is_dir():
            raise CommandError(f"无法写入 {out}：这是一个目录，请给出 zip 文件的路径。")
        try:
            # Made now, so a path that cannot be written is refused before any work.
            handle, part = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".part", dir=target.parent or ".")
        except OSError as exc:
            raise CommandError(f"无法写入 {out}：{exc.strerror or exc}") from exc
        os.close(handle)
        try:
            bundle, _created = evidence_bundle_request(case=case, actor=None, reuse_running=False)
            self.stderr.write(f"正在生成 {case.number} 的证据包……")
            bundle = evidence_bundle_build(bundle=bundle, on_progress=self._progress)
            if bundle.status != BundleStatus.DONE:
                raise CommandError(f"证据包生成失败：{bundle.error}")
            with bundle.file.open("rb") as source, open(part, "wb") as copy:
                shutil.copyfileobj(source, copy, 1024 * 1024)
            os.replace(part, target)
        except BaseException:
            Path(part).unlink(missing_ok=True)
            raise
        self.stderr.write(
            f"完成：{bundle.items_total}个文件，{bundle.size}字节；清单SHA-256 {bundle.manifest_sha256}；"
            f"压缩包SHA-256 {bundle.sha256}（已记入审计日志）"
        )
        self.stdout.write(str(target))

    def _progress(self, done: int, total: int) -> None:
        self.stderr.write(f"\r{done}/{total}", ending="" if done < total else "\n")
