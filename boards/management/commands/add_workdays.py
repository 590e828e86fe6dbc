import datetime as dt

from django.core.management.base import BaseCommand, CommandError

from boards.kernel.calendar import add_workdays


class Command(BaseCommand):
    help = "打印某日之后第 N 个工作日（跨入尚无节假日数据的年份时标注暂定）。"

    def add_arguments(self, parser):
        parser.add_argument("date", help="起算日期，格式 YYYY-MM-DD")
        parser.add_argument("n", type=int, help="工作日天数（不小于 0）")

    def handle(self, *args, date, n, **options):
        try:
            start = dt.date.fromisoformat(date)
        except ValueError:
            raise CommandError(f"日期格式应为 YYYY-MM-DD，收到 {date!r}") from None
        if n < 0:
            raise CommandError(f"工作日天数不能为负数，收到 {n}")
        result = add_workdays(start, n)
        line = result.date.isoformat()
        if result.provisional:
            line += " 暂定/provisional（该年度节假日安排尚未录入，仅按周末计算）"
        self.stdout.write(line)
