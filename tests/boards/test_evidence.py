"""The evidence log: queued leaves, the sequencer, the hash chain, append-only in Python and in the
database, tamper detection. (The tree, checkpoints and proofs: test_evidence_tree.py.)"""

import datetime
import threading
import uuid
import zoneinfo
from decimal import Decimal

import pytest
from django.apps import apps
from django.core.management import CommandError, call_command
from django.db import DatabaseError, IntegrityError, connection, transaction
from django_scopes import ScopeError

from boards.kernel import evidence, evidence_tree
from boards.kernel.models import EvidenceEntry, EvidenceHead
from boards.kernel.rls import install_database_guards
from boards.kernel.scoping import RLS_SETTING, board_scope
from tests.support import owner_connection

TABLE = "boards_evidenceentry"


def _append(board, n, **kwargs):
    """``n`` entries, sequenced, as stored."""
    queued = [evidence.record(board, "tests.item.recorded", payload={"i": i}, **kwargs) for i in range(n)]
    evidence_tree.sequence_all(board)
    return [EvidenceEntry.objects.get(pk=entry.pk) for entry in queued]


def test_record_is_one_insert_and_queues_the_entry(in_board, django_assert_num_queries):
    with django_assert_num_queries(1) as captured:
        entry = evidence.record(in_board, "tests.item.recorded", payload={"i": 1})
    assert captured.captured_queries[0]["sql"].startswith("INSERT")
    assert "FOR UPDATE" not in captured.captured_queries[0]["sql"]
    assert (entry.seq, entry.prev_hash, entry.hash) == (None, "", "")
    assert not EvidenceHead.objects.exists()  # no shared row touched
    # Queued entries are not in the chain yet; the chain so far is fine.
    assert evidence.verify_chain(in_board) == (True, None, "OK，共 0 条记录")
    assert evidence_tree.sequence_board(in_board) == 1
    assert evidence_tree.sequence_board(in_board) == 0
    assert EvidenceEntry.objects.get().seq == 1


def test_entries_chain_in_order(in_board, staff_user):
    first, second, third = _append(in_board, 3, actor=staff_user)
    assert [first.seq, second.seq, third.seq] == [1, 2, 3]
    assert first.prev_hash == evidence.GENESIS_HASH
    assert second.prev_hash == first.hash and third.prev_hash == second.hash
    assert len({first.hash, second.hash, third.hash}) == 3
    assert (first.actor_id, first.actor_label) == (staff_user.pk, "staff")
    assert evidence.verify_chain(in_board) == (True, None, "OK，共 3 条记录")


def test_subject_and_system_actor(in_board, staff_user):
    entry = evidence.record(in_board, "tests.item.recorded", subject=staff_user)
    assert (entry.subject_type, entry.subject_id) == ("auth.user", str(staff_user.pk))
    assert entry.actor_id is None and entry.actor_label == "system"


def test_each_board_has_its_own_chain(board, other_board):
    with board_scope(board):
        _append(board, 2)
    with board_scope(other_board):
        (entry,) = _append(other_board, 1)
    assert entry.seq == 1 and entry.prev_hash == evidence.GENESIS_HASH


@pytest.mark.parametrize("action", ["decided", "reviews.decided", "Reviews.case.decided", "reviews..x", "",
                                    "reviews.case.forged", "tests.item.recorded_typo"])
def test_an_undeclared_action_is_refused_and_nothing_is_written(in_board, action):
    with pytest.raises(evidence.UndeclaredActionError, match="not declared"):
        evidence.record(in_board, action)
    assert not EvidenceEntry.objects.exists()


def test_record_outside_the_boards_scope_is_refused(board, other_board):
    with pytest.raises(ScopeError):
        evidence.record(board, "tests.item.recorded")
    with board_scope(other_board), pytest.raises(ScopeError):
        evidence.record(board, "tests.item.recorded")


def test_canonical_json_of_chinese_text_decimal_dates_and_uuid():
    shanghai = zoneinfo.ZoneInfo("Asia/Shanghai")
    payload = {
        "企业": "内蒙古某某科技有限公司",
        "amount": Decimal("1500000.00"),
        "rate": Decimal("1E+2"),
        "at": datetime.datetime(2026, 10, 8, 9, 30, tzinfo=shanghai),
        "on": datetime.date(2026, 10, 8),
        "id": uuid.UUID("12345678-1234-5678-1234-567812345678"),
        "list": [1, True, None],
    }
    assert evidence.canonical_json(payload) == (
        '{"amount":"1500000.00","at":"2026-10-08T01:30:00+00:00",'
        '"id":"12345678-1234-5678-1234-567812345678","list":[1,true,null],"on":"2026-10-08",'
        '"rate":"100","企业":"内蒙古某某科技有限公司"}'
    )
    # The same instant in another zone is the same canonical text.
    utc = datetime.datetime(2026, 10, 8, 1, 30, tzinfo=datetime.UTC)
    assert evidence.canonical_json({"at": utc}) == evidence.canonical_json({"at": payload["at"]})


@pytest.mark.parametrize(
    "bad", [{"x": 0.1}, {1: "int key"}, {"at": datetime.datetime(2026, 1, 1)}, {"s": {1}}]
)
def test_canonical_json_refuses_ambiguous_values(bad):
    with pytest.raises(TypeError):
        evidence.canonical_json(bad)


def test_payload_survives_the_database_round_trip(in_board):
    evidence.record(in_board, "tests.item.recorded",
                    payload={"金额": Decimal("123456.78"), "说明": "代偿款（首期）", "n": 10**17})
    evidence_tree.sequence_all(in_board)
    stored = EvidenceEntry.objects.get()
    assert stored.payload == {"金额": "123456.78", "说明": "代偿款（首期）", "n": 10**17}
    assert evidence.compute_hash(stored) == stored.hash
    assert evidence.verify_chain(in_board)[0]


def test_a_nul_character_is_stored_as_a_replacement_not_refused(in_board):
    # jsonb holds no NUL; a query string logged as evidence may carry one (found by API fuzzing).
    evidence.record(in_board, "tests.item.recorded", payload={"query": {"a\x00b": "x\x00"}})
    stored = EvidenceEntry.objects.get()
    assert stored.payload == {"query": {"a\ufffdb": "x\ufffd"}}
    assert evidence.verify_chain(in_board)[0]


@pytest.mark.parametrize("sql", [f"UPDATE {TABLE} SET seq = 7", f"UPDATE {TABLE} SET hash = 'x'",
                                 f"UPDATE {TABLE} SET payload = '{{}}' WHERE seq IS NULL"])
def test_a_sequenced_entry_is_never_changed_again(in_board, sql):
    _append(in_board, 1)
    evidence.record(in_board, "tests.item.recorded", payload={"queued": True})
    with pytest.raises(DatabaseError, match="permission denied for table|append-only"):
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(sql)


def test_python_refuses_update_and_delete(in_board):
    entry = _append(in_board, 1)[0]
    entry.payload = {"i": 99}
    with pytest.raises(IntegrityError, match="只能追加"):
        entry.save()
    with pytest.raises(IntegrityError, match="只能追加"):
        entry.delete()


@pytest.mark.parametrize("sql", [f"UPDATE {TABLE} SET action = 'tests.item.forged'", f"DELETE FROM {TABLE}"])
def test_database_refuses_update_and_delete(in_board, sql):
    _append(in_board, 2)
    # The runtime role has no UPDATE or DELETE grant (boards.kernel.dbroles); one role alone: the trigger.
    with pytest.raises(DatabaseError, match="permission denied for table|append-only"):
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(sql)
    assert EvidenceEntry.objects.count() == 2
    assert evidence.verify_chain(in_board)[0]


def _tamper(board, sql, params):
    """Change the log behind the guards' back, as the table owner could, then restore them.
    (On SQLite install_database_guards runs executescript, which commits: callers commit too.)"""
    if connection.vendor == "postgresql":
        with owner_connection() as owner:  # the runtime role may not touch the trigger
            owner.execute(f"SELECT set_config('{RLS_SETTING}', %s, false)", [str(board.pk)])
            owner.execute(f"ALTER TABLE {TABLE} DISABLE TRIGGER USER")
            owner.execute(sql, params)
            owner.execute(f"ALTER TABLE {TABLE} ENABLE TRIGGER USER")
        return
    with connection.cursor() as cursor:
        cursor.execute(f"DROP TRIGGER {TABLE}_no_update")
        cursor.execute(f"DROP TRIGGER {TABLE}_no_delete")
        cursor.execute(sql, params)
    install_database_guards(apps.get_app_config("boards"))


def test_verify_evidence_names_the_tampered_entry(committed_db, board, other_board, capsys):
    with board_scope(other_board):
        _append(other_board, 2)
    with board_scope(board):
        entries = _append(board, 4)
        _tamper(board, f"UPDATE {TABLE} SET payload = %s WHERE id = %s", ['{"i": 999}', entries[2].pk])

        call_command("verify_evidence", "--board", "xj-zjtx")
        assert "xj-zjtx: OK，共 2 条记录" in capsys.readouterr().out

        with pytest.raises(CommandError) as failure:
            call_command("verify_evidence")
        assert failure.value.returncode == 1
        err = capsys.readouterr().err
        assert f"nmg-kcb: 第一条有问题的记录 seq=3 id={entries[2].pk}" in err and "内容与哈希不符" in err
        ok, bad, _ = evidence.verify_chain(board)
        assert not ok and bad.pk == entries[2].pk

        # The guards are back: the database refuses changes again.
        with pytest.raises(DatabaseError, match="permission denied for table|append-only"):
            with transaction.atomic(), connection.cursor() as cursor:
                cursor.execute(f"DELETE FROM {TABLE}")


def test_a_deleted_tail_entry_is_found(committed_db, board):
    with board_scope(board):
        entries = _append(board, 3)
        _tamper(board, f"DELETE FROM {TABLE} WHERE id = %s", [entries[2].pk])
    ok, bad, message = evidence.verify_chain(board)
    assert not ok and bad is None and "seq=3" in message and "seq=2" in message


def test_verify_evidence_unknown_board(db):
    with pytest.raises(CommandError, match="没有标识为 nope"):
        call_command("verify_evidence", "--board", "nope")


@pytest.mark.postgres
def test_concurrent_appends_and_sequencers_lose_and_duplicate_nothing(committed_db, board, settings):
    """Eight connections append at once while two sequencers run in small batches, starting from a
    board with no head yet: every entry gets exactly one index, 1..N without a gap."""
    settings.EVIDENCE_SEQUENCE_BATCH = 7
    writers, per_writer = 8, 25
    start, done, errors = threading.Barrier(writers + 2), threading.Event(), []

    def writer():
        try:
            with board_scope(board):
                start.wait()
                for i in range(per_writer):
                    with transaction.atomic():
                        evidence.record(board, "tests.item.recorded", payload={"i": i})
        except Exception as exc:  # reported to the main thread below
            errors.append(exc)
        finally:
            connection.close()

    def sequencer():
        try:
            start.wait()
            while not done.is_set():
                evidence_tree.sequence_board(board)
        except Exception as exc:
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=writer) for _ in range(writers)]
    sequencers = [threading.Thread(target=sequencer) for _ in range(2)]
    for thread in threads + sequencers:
        thread.start()
    for thread in threads:
        thread.join()
    done.set()
    for thread in sequencers:
        thread.join()
    assert errors == []
    evidence_tree.sequence_all(board)
    with board_scope(board):
        seqs = list(EvidenceEntry.objects.order_by("seq").values_list("seq", flat=True))
        assert seqs == list(range(1, writers * per_writer + 1))
        assert EvidenceHead.objects.get().last_seq == writers * per_writer
        assert evidence.verify_chain(board)[0]
