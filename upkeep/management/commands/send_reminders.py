"""python manage.py send_reminders: the daily run that mails the warnings of every
elevator's register (inspection request, contract end, use registration, maintenance gap).
Idempotent: a warning is mailed once per (what, record, due date); run it as often as you
like (cron daily, e.g. 07:30)."""

import datetime

from django.core.management.base import BaseCommand, CommandError

from upkeep.services import reminders_send


class Command(BaseCommand):
    help = "发送电梯到期提醒（定期检验、维保合同、使用登记、维护保养间隔），每个到期日只发送一次。"

    def add_arguments(self, parser):
        parser.add_argument("--date", help="按此日期计算提醒（YYYY-MM-DD，默认今天）")

    def handle(self, *args, date=None, **options):
        today = None
        if date:
            try:
                today = datetime.date.fromisoformat(date)
            except ValueError:
                raise CommandError(f"日期格式不正确：{date}（应为YYYY-MM-DD）") from None
        result = reminders_send(today=today)
        line = f"已发送提醒 {result.sent} 条，此前已发送而跳过 {result.skipped} 条。"
        if result.unaddressed:
            line += f"另有 {result.unaddressed} 条没有收件人（请登记提醒邮箱或经办人邮箱），下次运行时再发。"
        self.stdout.write(line)
