"""``migrate`` as the owner role when DATABASE_OWNER_USER is set (boards.kernel.dbroles): the tables, the
row-level security policies and the triggers belong to it, and the post-migrate step grants the
runtime role (the user of DATABASE_URL) what the platform needs."""

from django.core.management.commands.migrate import Command as MigrateCommand

from boards.kernel.dbroles import as_owner


class Command(MigrateCommand):
    def handle(self, *args, **options):
        with as_owner(options["database"]):
            return super().handle(*args, **options)
