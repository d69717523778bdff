"""python manage.py render_documents CASE_NUMBER --out DIR

Writes application.pdf, ballots.pdf, agreement.pdf and notice.pdf into DIR (created if
missing) and prints their paths, one a line. The acceptance checks rely on exactly this;
keep it so. Characters no installed font has (printed as empty boxes) are reported on
stderr, one line each, naming the file, the character and where it occurs. Each PDF is
also kept as a new version (actor: the system), like a print from the case page, so its
QR code verifies.
"""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from cases.models import Case
from documents.models import OFFICIAL_TEMPLATES
from documents.services import documents_render_all


class Command(BaseCommand):
    help = "生成案件的四种格式文书（申请表、表决票、协议书、公示书）PDF 并写入指定目录。"

    def add_arguments(self, parser):
        parser.add_argument("case_number", help="案件编号，如 FZ-2026-0001")
        parser.add_argument("--out", required=True, help="输出目录（不存在则创建）")

    def handle(self, *args, case_number: str, out: str, **options):
        number = case_number.strip()
        case = Case.objects.filter(number=number).first() or Case.objects.filter(number__iexact=number).first()
        if case is None:
            raise CommandError(f"案件不存在：{case_number}（unknown case number）")
        out_dir = Path(out)
        try:
            out_dir.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise CommandError(f"无法创建输出目录 {out}：{exc}") from exc
        rendered = documents_render_all(case=case, actor=None)
        for template in OFFICIAL_TEMPLATES:
            path = out_dir / f"{template.value}.pdf"
            path.write_bytes(rendered[template.value].pdf_bytes)
            self.stdout.write(str(path))
            for missing in rendered[template.value].missing_glyphs:
                self.stderr.write(f"警告 {path.name}：{missing}")
