"""Existing hash chains into the Merkle tree, in their order (seq): one leaf per entry, its canonical
JSON as before, and every perfect subtree stored. Checkpoints are signed by the sequencer's next run."""

from django.conf import settings
from django.db import migrations

from boards.kernel import evidence, merkle


class _Entry:
    def __init__(self, row):
        (self.board_id, self.seq, self.created_at, self.actor_id, self.actor_label, self.action,
         self.subject_type, self.subject_id, self.payload, self.prev_hash) = row


def forwards(apps, schema_editor):
    import datetime
    import json

    connection = schema_editor.connection
    h = merkle.hash_function(settings.EVIDENCE_HASH)
    with connection.cursor() as cursor:
        cursor.execute("SELECT id FROM boards_board ORDER BY id")
        boards = [row[0] for row in cursor.fetchall()]
    for board in boards:
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":  # FORCE ROW LEVEL SECURITY binds the owner too
                cursor.execute("SELECT set_config('app.board_ids', %s, true)", [str(board)])
            cursor.execute(
                "SELECT board_id, seq, created_at, actor_id, actor_label, action, subject_type, subject_id, "
                "payload, prev_hash FROM boards_evidenceentry WHERE board_id = %s AND seq IS NOT NULL "
                "ORDER BY seq", [board])
            rows = cursor.fetchall()
            frontier, nodes = merkle.Frontier(h), []
            for row in rows:
                entry = _Entry(row)
                if isinstance(entry.payload, str):
                    entry.payload = json.loads(entry.payload)
                if isinstance(entry.created_at, str):
                    from django.utils.dateparse import parse_datetime

                    entry.created_at = parse_datetime(entry.created_at)
                if entry.created_at.tzinfo is None:  # SQLite keeps UTC without a zone
                    entry.created_at = entry.created_at.replace(tzinfo=datetime.UTC)
                data = evidence.canonical_json(evidence.entry_content(entry)).encode()
                nodes += [(board, level, index, value) for level, index, value
                          in frontier.append(merkle.leaf_hash(h, data))]
            if nodes:
                cursor.executemany('INSERT INTO boards_evidencenode (board_id, level, "index", hash) '
                                   "VALUES (%s, %s, %s, %s)", nodes)


class Migration(migrations.Migration):
    dependencies = [("boards", "0004_evidence_tree")]
    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
