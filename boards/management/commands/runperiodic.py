import logging
import time

from celery.result import EagerResult
from django.conf import settings
from django.core.management.base import BaseCommand
from django.db import close_old_connections
from django.utils.module_loading import import_string

logger = logging.getLogger(__name__)


class Command(BaseCommand):
    help = "Run settings.PERIODIC_TASKS in a loop, in place of celery beat (used without Redis)."

    def add_arguments(self, parser):
        parser.add_argument("--once", action="store_true", help="run every periodic task once and exit")
        parser.add_argument("--interval", type=float, default=5.0,
                            help="seconds between checks for due tasks (default 5)")

    def handle(self, *args, once, interval, **options):
        last_run = {}
        while True:
            close_old_connections()  # a long-lived loop must not keep a broken connection
            for name, spec in settings.PERIODIC_TASKS.items():
                if name in last_run and time.monotonic() - last_run[name] < spec["seconds"]:
                    continue
                last_run[name] = time.monotonic()
                try:
                    # Eager without a broker; queued to the workers with one.
                    result = import_string(spec["task"]).delay()
                except Exception:
                    logger.exception("periodic task %s failed", name)
                    continue
                self.stdout.write(f"{name}: {result.result if isinstance(result, EagerResult) else 'queued'}")
            if once:
                return
            time.sleep(interval)
