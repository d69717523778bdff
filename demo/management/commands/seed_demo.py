from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from demo.seed import seed


class Command(BaseCommand):
    help = "载入演示数据（仅限本地环境，可重复运行）：多个辖区的小区、梯号、房屋、业主、案件，以及各角色的演示账号。"

    def handle(self, *args, **options):
        if not getattr(settings, "DEMO_SEED_ALLOWED", False):
            raise CommandError("演示数据只能在本地或测试环境载入（DEMO_SEED_ALLOWED 未开启）。")
        seed(out=self.stdout.write)
