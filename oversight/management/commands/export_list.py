"""python manage.py export_list USERNAME LIST [QUERY] --out FILE.xlsx|FILE.csv

Exports a staff list as USERNAME sees it (the same rows, columns and masking as the list's
导出 links: oversight.exports), e.g.
`python manage.py export_list fz_zhujian cases.case "status__exact=open" --out 办理中案件.xlsx`.
LIST is the list's `app_label.model_name` (the part of its address after /admin/); QUERY its
query string as the address bar shows it. The format follows the file's extension. Prints
the path (the only line on stdout); the export is in the audit log under USERNAME.

An unknown user or list, a list the user may not open, bad filters, or a path that cannot be
written exit non-zero with the reason in Chinese; no file is left half-written (it is written
beside the target under a temporary name and renamed at the end)."""

import os
import tempfile
from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils.translation import override

from oversight import exports_services as services
from oversight.exports import WRITERS, ExportRefused, may_export_full


class Command(BaseCommand):
    help = "按指定用户可见的范围导出一个业务列表（与列表页的“导出”按钮相同），写入 .xlsx 或 .csv 文件并输出其路径。"

    def add_arguments(self, parser):
        parser.add_argument("username", help="以哪个用户的权限导出，如 fz_zhujian")
        parser.add_argument("list", help="列表，如 cases.case、cases.owner（即后台地址 /admin/ 之后的两段）")
        parser.add_argument("query", nargs="?", default="", help="列表的筛选条件，如 status__exact=open&q=刺桐")
        parser.add_argument("--out", required=True, help="输出文件路径，扩展名 .xlsx 或 .csv")
        parser.add_argument("--full", action="store_true", help="含完整证件号码和手机号（仅本辖区受理窗口）")

    def handle(self, *args, username: str, list: str, query: str, out: str, full: bool, **options):
        user = get_user_model().objects.filter(username=username, is_active=True).first()
        if user is None:
            raise CommandError(f"用户不存在或已停用：{username}")
        model_admin = services.model_admin_for(list.strip().lower().replace("/", "."))
        if model_admin is None:
            raise CommandError(f"没有这个列表：{list}")
        target = Path(out)
        fmt = target.suffix.lower().lstrip(".")
        if fmt not in WRITERS:
            raise CommandError("输出文件的扩展名应为 .xlsx 或 .csv。")
        if full and not may_export_full(user):
            raise CommandError("只有本辖区的受理窗口可以导出完整的证件号码和手机号。")
        try:
            table = services.list_table(model_admin=model_admin, user=user, query=query, full=full)
        except ExportRefused as refusal:
            raise CommandError(str(refusal)) from None
        try:
            handle, part = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".part", dir=target.parent or ".")
        except OSError as exc:
            raise CommandError(f"无法写入 {out}：{exc.strerror or exc}") from exc
        try:
            with os.fdopen(handle, "wb") as temp, override(services.EXPORT_LANGUAGE):
                rows = WRITERS[fmt](table, temp, lambda done: self.stderr.write(f"\r{done}/{table.total}", ending=""))
            with transaction.atomic():
                services.log_export(actor=user, table=table, fmt=fmt, full=full, rows=rows, query=query)
            os.replace(part, target)
        except BaseException:
            Path(part).unlink(missing_ok=True)
            raise
        self.stderr.write(f"\n完成：{table.title}，{rows}行（已记入审计日志）")
        self.stdout.write(str(target))
