"""Scale-out: two gunicorn processes (two ports) and two Celery workers share one PostgreSQL
and one Redis. A session from the login form on A is valid on B (sessions live in Redis), a
file uploaded through A downloads through B byte for byte (shared media root), and with the
sweep fired twice and both workers on one queue, every reminder is still sent exactly once."""

import re

import pytest
import redis
import requests
from django.conf import settings

from boards.enterprises.models import Disclosure
from boards.kernel.models import Deadline, DeadlineStage, Notification
from boards.kernel.scoping import board_scope
from tests.factories import EnterpriseFactory, MembershipFactory, UserFactory
from tests.support.faults import DEADLINES, sent_emails, wait_for

pytestmark = [pytest.mark.postgres, pytest.mark.redis, pytest.mark.xdist_group("faults-workers")]

PASSWORD = "scale-out-pass-2026"


def _pdf():
    body = (b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
            b"2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
            b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 200 200]>>endobj\n")
    offsets = [body.index(f"{n} 0 obj".encode()) for n in (1, 2, 3)]
    table = "xref\n0 4\n0000000000 65535 f \n" + "".join(f"{o:010d} 00000 n \n" for o in offsets)
    return body + table.encode() + f"trailer<</Size 4/Root 1 0 R>>\nstartxref\n{len(body)}\n%%EOF\n".encode()


@pytest.fixture
def owner(committed_db, board):
    user = UserFactory(username="owner", password=PASSWORD)
    MembershipFactory(user=user, board=board, role="enterprise_user")
    with board_scope(board):
        EnterpriseFactory(board=board, name="哈密光伏科技有限公司").users.add(user)
    return user


def _csrf(session, url):
    page = session.get(url, timeout=30)
    assert page.status_code == 200, page.text[:500]
    return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text).group(1)


def test_session_and_files_are_shared_by_two_web_processes(board, owner, processes):
    a = processes.gunicorn("web-a", workers=1, threads=4)
    b = processes.gunicorn("web-b", workers=1, threads=4)
    me = f"/{board.slug}/my/disclosures/"
    with requests.Session() as on_a:
        token = _csrf(on_a, a.url + "/accounts/login/")
        login = on_a.post(a.url + "/accounts/login/", data={"username": "owner", "password": PASSWORD,
                          "csrfmiddlewaretoken": token}, headers={"Referer": a.url + "/accounts/login/"},
                          allow_redirects=False, timeout=30)
        assert login.status_code == 302, login.text[:500]
        cookies = on_a.cookies
        assert requests.get(b.url + me, allow_redirects=False, timeout=30).status_code == 302  # no session
        with requests.Session() as on_b:
            on_b.cookies.update(cookies)
            page = on_b.get(b.url + me, allow_redirects=False, timeout=30)
            assert page.status_code == 200 and "哈密光伏科技有限公司" in page.text  # A's session, on B

            content = _pdf()
            token = _csrf(on_a, a.url + me)
            upload = on_a.post(a.url + me, data={"title": "2025年度报告", "audience": "public",
                                                 "csrfmiddlewaretoken": token},
                               files={"file": ("年报.pdf", content, "application/pdf")},
                               headers={"Referer": a.url + me}, allow_redirects=False, timeout=30)
            assert upload.status_code == 302, upload.text[:1000]
            with board_scope(board):
                disclosure = Disclosure.objects.get(title="2025年度报告")
            download = on_b.get(f"{b.url}/{board.slug}/disclosures/{disclosure.pk}/file/", timeout=30)
            assert download.status_code == 200 and download.content == content


def test_two_workers_and_a_double_sweep_send_each_reminder_once(board, due_reminders, processes):
    ids, emails = due_reminders
    # The beat fired twice before a worker was free: both sweeps queue every due reminder.
    processes.call("boards.kernel.tasks.sweep_deadlines")
    processes.call("boards.kernel.tasks.sweep_deadlines")
    processes.worker("w1")
    processes.worker("w2")

    def settled():
        with board_scope(board):
            done = Deadline.objects.filter(pk__in=ids, stage=DeadlineStage.REMINDED).count() == DEADLINES
            mailed = Notification.objects.filter(deadline_id__in=ids, email_sent_at__isnull=False).count()
        return done and mailed == DEADLINES

    wait_for(settled, 60, "every reminder and its email", 0.5)
    broker = redis.Redis.from_url(settings.REDIS_URL)
    wait_for(lambda: broker.llen(processes.key_prefix + processes.queue) == 0, 30, "the queue to drain")
    # Both sweeps ran (one per message), so each deadline was offered twice and claimed once.
    logs = "".join(processes.log(p) for p in processes.procs)
    assert len(re.findall(r"sweep_deadlines\[[0-9a-f-]+\] succeeded", logs)) == 2
    assert len(re.findall(r"process_deadline\[[0-9a-f-]+\] succeeded", logs)) == 2 * DEADLINES
    with board_scope(board):
        notified = sorted(Notification.objects.filter(deadline_id__in=ids)
                          .values_list("deadline_id", "stage"))
    assert notified == sorted((pk, DeadlineStage.REMINDED) for pk in ids)
    recipients = sorted(re.search(r"^To: (.+)$", m, re.M).group(1) for m in sent_emails(processes.var_dir))
    assert recipients == sorted(emails.values())
