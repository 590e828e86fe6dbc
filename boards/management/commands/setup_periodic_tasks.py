from django.conf import settings
from django.core.management.base import BaseCommand
from django_celery_beat.models import IntervalSchedule, PeriodicTask


class Command(BaseCommand):
    help = "Create or update the celery beat schedule from settings.PERIODIC_TASKS (idempotent)."

    def handle(self, *args, **options):
        for name, spec in settings.PERIODIC_TASKS.items():
            every, _ = IntervalSchedule.objects.get_or_create(every=spec["seconds"],
                                                              period=IntervalSchedule.SECONDS)
            _, created = PeriodicTask.objects.update_or_create(
                name=name, defaults={"task": spec["task"], "interval": every, "enabled": True}
            )
            self.stdout.write(f"{'created' if created else 'updated'} {name} every {spec['seconds']}s")
