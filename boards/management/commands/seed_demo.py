from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from boards.kernel.demo import DEMO_PASSWORD, seed_demo


class Command(BaseCommand):
    help = "创建或更新演示数据（四个专板/项目、各角色演示账号、机构及各应用的演示数据），可重复运行。"

    def add_arguments(self, parser):
        parser.add_argument(
            "--force", action="store_true",
            help="DJANGO_DEBUG 关闭时也运行。演示密码是公开的，切勿用于生产环境。",
        )

    def handle(self, *args, force=False, **options):
        if not settings.DEBUG and not force:
            raise CommandError(
                "seed_demo 会创建使用公开演示密码的账号，只在 DJANGO_DEBUG=1 时运行；"
                "确需在当前环境运行请加 --force。"
            )
        with transaction.atomic():
            seed_demo(self.stdout)
        self.stdout.write(self.style.SUCCESS(f"演示数据已就绪，演示密码：{DEMO_PASSWORD}"))
