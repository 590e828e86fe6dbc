import json

from django.core.management.base import BaseCommand, CommandError

from boards.kernel import evidence_tree
from boards.kernel.models import Board
from boards.kernel.scoping import board_scope


class Command(BaseCommand):
    help = "先把排队的存证记录排序入树，再以 JSON 打印该专板最新的已签名检查点（见证者保存它）。"

    def add_arguments(self, parser):
        parser.add_argument("--board", metavar="SLUG", required=True)
        parser.add_argument("--no-sequence", action="store_true", help="不先排序，只打印已有的检查点")

    def handle(self, *args, board, no_sequence=False, **options):
        found = Board.objects.filter(slug=board).first()
        if found is None:
            raise CommandError(f"没有标识为 {board} 的专板/项目。")
        if not no_sequence:
            evidence_tree.sequence_all(found)
        with board_scope(found):
            checkpoint = evidence_tree.latest_checkpoint(found)
        if checkpoint is None:
            raise CommandError(f"{board} 还没有检查点（存证日志为空）。")
        self.stdout.write(json.dumps(evidence_tree.checkpoint_document(checkpoint), ensure_ascii=False))
