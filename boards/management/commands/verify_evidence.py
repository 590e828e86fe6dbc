from django.core.management.base import BaseCommand, CommandError

from boards.kernel.evidence import verify_chain
from boards.kernel.models import Board


class Command(BaseCommand):
    help = "重算存证链；任何专板的链有问题时指出第一条有问题的记录并以非零状态退出。"

    def add_arguments(self, parser):
        parser.add_argument("--board", metavar="SLUG", help="只校验该专板/项目")

    def handle(self, *args, board=None, **options):
        boards = Board.objects.order_by("id")
        if board:
            boards = boards.filter(slug=board)
            if not boards.exists():
                raise CommandError(f"没有标识为 {board} 的专板/项目。")
        failed = []
        for item in boards:
            ok, _, message = verify_chain(item)
            if ok:
                self.stdout.write(f"{item.slug}: {message}")
            else:
                self.stderr.write(f"{item.slug}: {message}")
                failed.append(item.slug)
        if failed:
            raise CommandError(f"存证链校验失败: {', '.join(failed)}")
