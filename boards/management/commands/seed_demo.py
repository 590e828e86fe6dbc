import logging
from contextlib import contextmanager

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core import mail
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.test.utils import override_settings

from boards.kernel.demo import DEMO_PASSWORD, seed_demo
from boards.kernel.models import Board

# One account per kind of person to try first (README "Who does what" lists them all).
TRY_FIRST = [
    ("交易中心工作人员（管理后台）", "nmg-kcb.staff"),
    ("企业（集团账号，代表几家企业；每家企业另有 <专板>.e<编号> 账号）", "nmg-kcb.enterprise"),
    ("评审专家", "nmg-kcb.expert"),
    ("金融机构", "nmg-kcb.institution"),
    ("增信机构", "nmg-kcb.enhancer"),
    ("审定单位（自治区工信厅）", "xj-zjtx.gxt"),
    ("地方主管部门", "xj-zjtx.bureau"),
    ("监管机构", "ordos.regulator"),
    ("平台管理员（全部专板）", "platform.admin"),
]


@contextmanager
def _quiet():
    """Seeding sends hundreds of notification mails and runs tasks eagerly: keep the mails in memory
    (counted, not printed) and the per-task log lines out of the summary."""
    trace = logging.getLogger("celery.app.trace")
    level = trace.level
    trace.setLevel(logging.WARNING)
    try:
        with override_settings(EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend"):
            mail.outbox = []
            yield
    finally:
        trace.setLevel(level)


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
        with _quiet():
            with transaction.atomic():
                seed_demo(self.stdout)
            mails = len(mail.outbox)
        boards = "、".join(f"{b.name_zh}（{b.slug}）" for b in Board.objects.order_by("slug"))
        accounts = get_user_model().objects.filter(is_active=True).count()
        self.stdout.write(f"专板/项目：{boards}")
        self.stdout.write(f"账号 {accounts} 个；演示中生成的通知邮件 {mails} 封（未发送）")
        self.stdout.write("先试这些账号（登录后进入各自的工作台）：")
        for label, username in TRY_FIRST:
            self.stdout.write(f"  {username:<22} {label}")
        self.stdout.write(self.style.SUCCESS(f"演示数据已就绪，演示密码：{DEMO_PASSWORD}"))
