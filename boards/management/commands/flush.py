"""``flush`` as the owner role when DATABASE_OWNER_USER is set (boards.kernel.dbroles): emptying the
tables (TRUNCATE, the append-only ones included) is schema work the runtime role may not do."""

from django.core.management.commands.flush import Command as FlushCommand

from boards.kernel.dbroles import as_owner


class Command(FlushCommand):
    def handle(self, **options):
        with as_owner(options["database"]):
            return super().handle(**options)
