"""Print the activation letters of a case's owners from the server:

    python manage.py issue_activation_codes FZ-2026-0001 --out /secure/letters

Issues a code for every owner of the case's unit without an active account (an earlier
unused code of theirs is voided), writes DIR/activation-letters.pdf, and prints one line
per letter to stdout — rooms (joined with 、), name, code, separated by tabs — for the
office's own checklist; what the command says besides goes to stderr, so stdout stays
that table. The codes exist nowhere else: keep the PDF and the output where the office
keeps the letters, and delete them once printed.
"""

from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from cases.models import Case
from owners import services

FILE_NAME = "activation-letters.pdf"


class Command(BaseCommand):
    help = "为案件所在梯号尚未激活账户的业主签发激活码，并生成激活函PDF。"

    def add_arguments(self, parser):
        parser.add_argument("case_number", help="案件编号，如 FZ-2026-0001")
        parser.add_argument("--out", required=True, help="激活函PDF写入的目录（不存在则创建）")

    def handle(self, *args, case_number: str, out: str, **options):
        case = Case.objects.select_related("jurisdiction", "unit__building").filter(number=case_number.strip()).first()
        if case is None:
            raise CommandError(f"案件编号“{case_number}”不存在，请核对。")
        directory = Path(out)
        try:
            directory.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise CommandError(f"无法创建目录“{directory}”：{exc.strerror}") from exc
        target = directory / FILE_NAME
        try:
            # The file is written inside the transaction: no codes issued without their letters.
            with transaction.atomic():
                printed = services.activation_letters_print(case=case, actor=None)
                if printed.letters:
                    target.write_bytes(printed.pdf)
        except ValidationError as exc:
            raise CommandError("；".join(exc.messages)) from exc
        except OSError as exc:
            raise CommandError(f"无法写入“{target}”：{exc.strerror}；未签发任何激活码。") from exc
        if not printed.letters:
            self.stderr.write(f"案件{case.number}：本梯号业主均已激活账户，无需签发激活函；未生成PDF。")
            return
        for letter in printed.letters:
            self.stdout.write(f"{letter.rooms_label}\t{letter.owner.name}\t{letter.code}")
        self.stderr.write(f"已签发激活函{len(printed.letters)}份，写入 {target}")
