from django.core.management.base import BaseCommand, CommandError

from boards.kernel import evidence_tree
from boards.kernel.evidence_verify import load_witness, verify_board
from boards.kernel.models import Board
from boards.kernel.witness import Failed


class Command(BaseCommand):
    help = ("重算存证链与存证树，核对每个已签名检查点；给出见证（检查点 JSON 或报备文件 PDF）时，"
            "证明日志与之一致。有问题时指出问题（第一条被改动的记录、被删除的末尾、重排、签名无效、"
            "不一致的检查点）并以非零状态退出。")

    def add_arguments(self, parser):
        parser.add_argument("--board", metavar="SLUG", help="只校验该专板/项目")
        parser.add_argument("--checkpoint", metavar="FILE", action="append", default=[],
                            help="见证者保存的检查点 JSON（evidence_checkpoint 的输出），可重复")
        parser.add_argument("--against", metavar="FILING.pdf", action="append", default=[],
                            help="报备文件 PDF（其中嵌有检查点与包含证明），可重复")
        parser.add_argument("--no-sequence", action="store_true", help="不先把排队的记录排序入树")

    def handle(self, *args, board=None, checkpoint=(), against=(), no_sequence=False, **options):
        boards = Board.objects.order_by("id")
        if board:
            boards = boards.filter(slug=board)
            if not boards.exists():
                raise CommandError(f"没有标识为 {board} 的专板/项目。")
        try:
            witnesses = [load_witness(path) for path in (*checkpoint, *against)]
        except (OSError, ValueError, Failed) as exc:
            raise CommandError(f"无法读取见证：{exc}") from exc
        failed = []
        for item in boards:
            if not no_sequence:
                evidence_tree.sequence_all(item)
            mine = [w for w in witnesses if _board_of(w) == item.slug]
            problems, summary = verify_board(item, mine)
            if problems:
                for problem in problems:
                    self.stderr.write(f"{item.slug}: {problem}")
                failed.append(item.slug)
            else:
                self.stdout.write(f"{item.slug}: {summary}")
        if failed:
            raise CommandError(f"存证日志校验失败: {', '.join(failed)}")


def _board_of(document):
    import json

    try:
        return json.loads(document["checkpoint"])["board"]
    except (KeyError, TypeError, ValueError):
        return None
