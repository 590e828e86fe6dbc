"""manage.py revoke_api_key PREFIX"""

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from boards.kernel.models import ApiKey


class Command(BaseCommand):
    help = "吊销 API 密钥（按前缀）。吊销后该密钥的请求一律 401。"

    def add_arguments(self, parser):
        parser.add_argument("prefix", help="密钥前缀（完整密钥中「.」之前的部分）")

    def handle(self, *args, prefix, **options):
        key = ApiKey.objects.filter(prefix=prefix).select_related("institution", "board").first()
        if key is None:
            raise CommandError(f"没有前缀为「{prefix}」的 API 密钥。")
        if key.revoked_at is not None:
            revoked = timezone.localtime(key.revoked_at)
            raise CommandError(f"密钥 {prefix} 已于 {revoked:%Y-%m-%d %H:%M} 吊销。")
        ApiKey.objects.filter(pk=key.pk, revoked_at=None).update(revoked_at=timezone.now())
        self.stdout.write(f"已吊销「{key.institution}」在「{key.board}」的 API 密钥 {prefix}。")
