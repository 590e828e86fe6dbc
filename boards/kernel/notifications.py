"""In-app notifications and their emails. Runs in the caller's board scope.

Invariants: at most one notification per (deadline, stage, user), kept by the database
(uniq_deadline_stage_user); each notification's email is sent once: its row is locked while the
mail goes out and ``email_sent_at`` commits after the hand-off (see send_email).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from django.core.mail import send_mail
from django.db import transaction
from django.db.models import Model
from django.urls import reverse
from django.utils import timezone

from boards.kernel.access import role_users
from boards.kernel.models import Board, Deadline, Notification, Role

if TYPE_CHECKING:
    from django.contrib.auth.models import User


def notify(board: Board, users: Iterable[User], verb: str, title: str, body: str = "", url: str = "",
           deadline: Deadline | None = None, stage: int | None = None) -> list[Notification]:
    """Create a notification per user and queue its email once the transaction commits.

    ``deadline`` and ``stage`` go together: a user already notified of that stage is not
    notified again. Returns the notifications.
    """
    users = list({user.pk: user for user in users}.values())
    rows = [
        Notification(board=board, user=user, verb=verb, title=title, body=body, url=url,
                     deadline=deadline, stage=stage)
        for user in users
    ]
    if deadline is None:
        Notification.objects.bulk_create(rows)
    else:
        # Conflicts are a repeat of this stage: the database keeps the first.
        Notification.objects.bulk_create(rows, ignore_conflicts=True)
        rows = list(Notification.objects.filter(deadline=deadline, stage=stage, user__in=users))
    with_email = {user.pk for user in users if user.email}
    for notification in rows:
        if notification.email_sent_at is None and notification.user_id in with_email:
            _queue_email(board.pk, notification.pk)
    return rows


def admin_change_url(obj: Model) -> str:
    return reverse(f"admin:{obj._meta.app_label}_{obj._meta.model_name}_change", args=[obj.pk])


def notify_staff(board: Board, subject: Model | None, verb: str, title: str, body: str = "",
                 url: str | None = None) -> list[Notification]:
    """Tell the board's exchange staff about ``subject``; the link opens its admin page unless
    ``url`` says otherwise (``url`` is required when there is no subject)."""
    if url is None:
        if subject is None:
            raise ValueError("notify_staff needs a subject or a url")
        url = admin_change_url(subject)
    return notify(board, role_users(board, Role.EXCHANGE_STAFF), verb, title, body, url)


def _queue_email(board_id: int, notification_id: int) -> None:
    from boards.kernel.tasks import send_notification_email  # tasks import this module

    # robust: the action is committed; an email that cannot be queued or sent is logged, not raised.
    transaction.on_commit(lambda: send_notification_email.delay(board_id, notification_id), robust=True)


def send_email(notification_id: int) -> bool:
    """Send the notification's email unless it was sent already or the user has no address.
    Returns whether it sent.

    The row stays locked while the mail goes out and ``email_sent_at`` commits only after the
    hand-off: a duplicate task skips the locked row, a failed send or a worker killed mid-send
    rolls back, and the redelivered task (acks_late) sends it then. Only a crash between the
    SMTP hand-off and the commit can repeat an email; none can lose one.
    """
    with transaction.atomic():
        notification = (Notification.objects.select_for_update(skip_locked=True, of=("self",))
                        .select_related("user", "board")
                        .filter(pk=notification_id, email_sent_at__isnull=True).first())
        if notification is None or not notification.user.email:
            return False
        text = notification.body + (f"\n\n{notification.url}" if notification.url else "")
        send_mail(f"【{notification.board.name_zh}】{notification.title}", text, None,
                  [notification.user.email])
        Notification.objects.filter(pk=notification_id).update(email_sent_at=timezone.now())
    return True


def mark_read(notification: Notification) -> Notification:
    """Mark ``notification`` read. A conditional UPDATE: of two concurrent marks the first time
    stays, and marking it again changes nothing. Returns the notification with its ``read_at``."""
    if notification.read_at is None:
        Notification.objects.filter(pk=notification.pk, read_at=None).update(read_at=timezone.now())
        notification.refresh_from_db(fields=["read_at"])
    return notification

