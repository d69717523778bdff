"""python manage.py send_digest [--date YYYY-MM-DD]: the daily digest of steps due within 3
working days, to each department's staff. Run it from cron as often as you like: it sends
once per date (notifications.models.DigestRun), and nothing on a day off."""

import datetime

from django.core.management.base import BaseCommand, CommandError

from notifications.services import digest_send


class Command(BaseCommand):
    help = "发送每日到期提醒（3个工作日内到期的办理事项）；同一天多次运行只发送一次。"

    def add_arguments(self, parser):
        parser.add_argument("--date", help="按该日期发送（YYYY-MM-DD），默认今天")

    def handle(self, *args, date=None, **options):
        today = None
        if date:
            try:
                today = datetime.date.fromisoformat(date)
            except ValueError as exc:
                raise CommandError(f"日期格式应为 YYYY-MM-DD：{date}") from exc
        result = digest_send(today=today)
        if result.reason == "already":
            self.stdout.write("今天的到期提醒已发送过，本次不再发送。")
        elif result.reason == "not_working_day":
            self.stdout.write("今天不是工作日，不发送到期提醒。")
        else:
            self.stdout.write(f"已发送到期提醒：{result.steps}个办理事项，{result.recipients}人。")
