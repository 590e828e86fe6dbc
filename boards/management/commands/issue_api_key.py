"""manage.py issue_api_key --institution CODE --board SLUG [--user USERNAME] [--label TEXT]"""

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from boards.kernel.access import INSTITUTION_ROLES
from boards.kernel.api.authentication import KEYWORD
from boards.kernel.apikeys import issue_key
from boards.kernel.errors import DomainError
from boards.kernel.models import Board, BoardMembership, Institution, Role
from boards.kernel.scoping import board_scope


class Command(BaseCommand):
    help = "为机构签发某个专板的 API 密钥。完整密钥只显示这一次，数据库只保存其哈希。"

    def add_arguments(self, parser):
        parser.add_argument("--institution", required=True, help="机构代码")
        parser.add_argument("--board", required=True, help="专板标识，如 nmg-kcb")
        parser.add_argument("--user", help="密钥代表的用户名（须为该机构在该专板的成员）；"
                                           "不给时使用服务账号 api-<机构代码>-<专板标识>")
        parser.add_argument("--label", default="", help="用途说明")

    def handle(self, *args, **options):
        board = Board.objects.filter(slug=options["board"], is_active=True).first()
        if board is None:
            raise CommandError(f"没有标识为「{options['board']}」的启用中的专板。")
        institution = Institution.objects.filter(code__iexact=options["institution"].strip()).first()
        if institution is None:
            raise CommandError(f"没有代码为「{options['institution']}」的机构。")
        memberships = BoardMembership.objects.filter(
            board=board, institution=institution, role__in=INSTITUTION_ROLES, is_active=True
        )
        if not memberships.exists():
            raise CommandError(
                f"机构「{institution}」在「{board}」没有有效的机构用户或增信机构成员资格，不能签发密钥。"
                "请先在管理后台为该机构添加成员。"
            )
        with transaction.atomic(), board_scope(board):
            user = self._user(options["user"], board, institution, memberships)
            try:
                key, full_key = issue_key(board, institution, user, label=options["label"])
            except DomainError as exc:
                raise CommandError(exc.message) from None
        self.stdout.write(f"已为「{institution}」签发「{board}」的 API 密钥，前缀 {key.prefix}，"
                          f"代表用户 {user}。")
        self.stdout.write("完整密钥只显示这一次，请立即妥善保存：")
        self.stdout.write(full_key)
        self.stdout.write(f"调用时发送请求头  Authorization: {KEYWORD} {full_key}")

    def _user(self, username, board, institution, memberships):
        users = get_user_model().objects
        if username:
            user = users.filter(username=username, is_active=True).first()
            if user is None:
                raise CommandError(f"没有用户名为「{username}」的有效用户。")
            if not memberships.filter(user=user).exists():
                raise CommandError(
                    f"用户「{username}」不是「{institution}」在「{board}」的机构用户或增信机构成员。"
                )
            return user
        user, created = users.get_or_create(username=f"api-{institution.code}-{board.slug}".lower())
        if created:
            user.set_unusable_password()
            user.save(update_fields=["password"])
        BoardMembership.objects.update_or_create(
            user=user, board=board, role=Role.INSTITUTION_USER,
            defaults={"institution": institution, "is_active": True},
        )
        return user
