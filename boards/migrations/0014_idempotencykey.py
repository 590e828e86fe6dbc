# The API idempotency keys move from the alliance into the kernel (issue 12): the table is renamed,
# so the stored keys, its row-level security policy and the runtime role's grants stay with it
# (rls.install_database_guards re-installs the policy under the new name after migrate).

import django.db.models.deletion
import django.utils.timezone
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('boards', '0013_evidence_fewer_indexes'),
        ('alliance', '0002_initial'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[
                migrations.RunSQL(
                    'ALTER TABLE "alliance_idempotencykey" RENAME TO "boards_idempotencykey"',
                    reverse_sql='ALTER TABLE "boards_idempotencykey" RENAME TO "alliance_idempotencykey"',
                ),
            ],
            state_operations=[
                migrations.CreateModel(
                    name='IdempotencyKey',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('key', models.CharField(max_length=100, verbose_name='幂等键')),
                        ('caller', models.CharField(max_length=60, verbose_name='调用方')),
                        ('request_hash', models.CharField(max_length=64, verbose_name='请求摘要')),
                        ('status_code', models.PositiveSmallIntegerField(verbose_name='响应状态')),
                        ('response', models.JSONField(null=True, verbose_name='响应内容')),
                        ('created_at', models.DateTimeField(default=django.utils.timezone.now, verbose_name='时间')),
                        ('board', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, to='boards.board', verbose_name='专板/项目')),
                    ],
                    options={
                        'verbose_name': '幂等键',
                        'verbose_name_plural': '幂等键',
                        'constraints': [models.UniqueConstraint(fields=('board', 'caller', 'key'), name='uniq_idempotency_key')],
                    },
                ),
            ],
        ),
    ]
