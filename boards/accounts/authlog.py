"""The authentication log (等保 三级 安全审计): who logged in, failed, was locked out, passed or
failed the second factor, logged out or timed out, from which address, and when.

Events come from Django's auth signals (login, failure, logout) and django-axes' lockout signal,
so every login path is covered, the admin's and the site's alike; the second-factor pages and the
reset service call ``record`` themselves. Rows are kept AUTH_LOG_RETENTION_DAYS (at least 183 days,
6 months) and then deleted by ``purge`` (the beat task ``accounts.purge_auth_log``).
"""

import datetime
import ipaddress

from axes.signals import user_locked_out
from django.conf import settings
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.utils import timezone

from boards.accounts.models import AuthEvent, AuthEventKind
from boards.kernel.ratelimits import client_ip

# Set on the request by whoever logs a user out for a reason other than the logout button.
LOGOUT_REASON_ATTR = "_zb_logout_reason"


def _address(request):
    """The caller's address, or None when it is not one (the column is inet: never a 500 at login)."""
    if request is None:
        return None
    try:
        return str(ipaddress.ip_address(client_ip(request)))
    except ValueError:
        return None


def record(kind, request=None, *, user=None, username="", detail=""):
    """Append one event. ``request`` gives the address and browser; ``user`` the account, if known."""
    if user is not None and not username:
        username = user.get_username()
    meta = request.META if request is not None else {}
    return AuthEvent.objects.create(
        kind=kind, user=user, username=username[:150],
        ip_address=_address(request),
        user_agent=meta.get("HTTP_USER_AGENT", "")[:255].replace("\x00", ""),
        detail=detail[:255],
    )


def _logged_in(sender, request, user, **kwargs):
    record(AuthEventKind.LOGIN, request, user=user)


def _login_failed(sender, credentials, request=None, **kwargs):
    # Django has already replaced the password in ``credentials`` with stars.
    username = str(credentials.get("username", ""))
    record(AuthEventKind.LOGIN_FAILED, request, username=username.replace("\x00", "\ufffd"))


def _logged_out(sender, request, user, **kwargs):
    reason = getattr(request, LOGOUT_REASON_ATTR, "")
    kind = AuthEventKind.SESSION_EXPIRED if reason else AuthEventKind.LOGOUT
    record(kind, request, user=user, detail=reason)


def _locked_out(sender, request, username, ip_address, **kwargs):
    record(AuthEventKind.LOCKED_OUT, request, username=str(username or "").replace("\x00", "\ufffd"),
           detail=f"失败次数达到上限，锁定 {settings.AXES_COOLOFF_TIME} 小时")


def connect_signals() -> None:
    user_logged_in.connect(_logged_in, dispatch_uid="accounts_authlog_login")
    user_login_failed.connect(_login_failed, dispatch_uid="accounts_authlog_failed")
    user_logged_out.connect(_logged_out, dispatch_uid="accounts_authlog_logout")
    user_locked_out.connect(_locked_out, dispatch_uid="accounts_authlog_locked")


def purge(now=None) -> int:
    """Delete events older than the retention period; returns how many."""
    cutoff = (now or timezone.now()) - datetime.timedelta(days=settings.AUTH_LOG_RETENTION_DAYS)
    deleted, _ = AuthEvent.objects.filter(created_at__lt=cutoff).delete()
    return deleted
