# The table moved to the kernel (boards 0014 renames it): only the alliance's model state goes.

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('alliance', '0002_initial'),
        ('boards', '0014_idempotencykey'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.DeleteModel(name='IdempotencyKey')],
        ),
    ]
