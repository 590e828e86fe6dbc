"""Session lifetimes and the second factor, enforced for every request (pages, admin, API).

``SessionLifetimeMiddleware`` (after AuthenticationMiddleware): a session idle for longer than
SESSION_IDLE_TIMEOUT seconds, or older than SESSION_ABSOLUTE_LIFETIME since its login, is logged
out (recorded as 会话超时) and the request goes on anonymous, so a page sends the person to the
login form. The last-activity stamp is rewritten at most once a minute, not on every request.

``SecondFactorMiddleware`` (after django-otp's OTPMiddleware): an account that must use the second
factor and has not passed it in this session is sent to enrolment (no confirmed device yet) or to
the code page; an API call answers 403. Only the second-factor pages, logout and static files
are open to it. Skipped entirely when the DEBUG-only demo switch is on.
"""

import time
from urllib.parse import urlencode

from django.conf import settings
from django.contrib.auth import logout
from django.http import JsonResponse
from django.shortcuts import redirect
from django.urls import reverse

from boards.accounts import secondfactor
from boards.accounts.authlog import LOGOUT_REASON_ATTR

LOGIN_AT = "_zb_login_at"
SEEN_AT = "_zb_seen_at"
SEEN_RESOLUTION = 60  # seconds between rewrites of the activity stamp


def stamp_login(sender, request, user, **kwargs):
    if request is not None and hasattr(request, "session"):
        now = int(time.time())
        request.session[LOGIN_AT] = request.session[SEEN_AT] = now


def expiry_reason(session, now) -> str:
    login_at, seen_at = session.get(LOGIN_AT), session.get(SEEN_AT)
    if login_at is None or seen_at is None:
        return "会话缺少登录时间"  # fail closed: a session not made by login()
    if now - login_at > settings.SESSION_ABSOLUTE_LIFETIME:
        return f"会话已超过最长有效期 {settings.SESSION_ABSOLUTE_LIFETIME // 3600} 小时"
    if now - seen_at > settings.SESSION_IDLE_TIMEOUT:
        return f"超过 {settings.SESSION_IDLE_TIMEOUT // 60} 分钟无操作"
    return ""


class SessionLifetimeMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        session = request.session
        # Only sessions that belong to a login: the anonymous pay nothing.
        if "_auth_user_id" in session:
            now = int(time.time())
            reason = expiry_reason(session, now)
            if reason:
                setattr(request, LOGOUT_REASON_ATTR, reason)
                logout(request)
            elif now - session[SEEN_AT] >= SEEN_RESOLUTION:
                session[SEEN_AT] = now
        return self.get_response(request)


OPEN_URL_NAMES = ("second-factor-setup", "second-factor-verify", "logout", "admin:logout")


def _open_paths():
    return {reverse(name) for name in OPEN_URL_NAMES}


class SecondFactorMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response
        self.open_paths = None

    def __call__(self, request):
        refusal = self._refusal(request)
        return refusal or self.get_response(request)

    def _refusal(self, request):
        if secondfactor.skip_enabled() or request.path_info.startswith(settings.STATIC_URL):
            return None
        user = request.user
        if not user.is_authenticated or user.is_verified():
            return None
        if self.open_paths is None:
            self.open_paths = _open_paths()
        if request.path_info in self.open_paths or not secondfactor.requires_second_factor(user):
            return None
        if request.path_info.startswith("/api/"):
            return JsonResponse({"detail": "该账号须先完成双因素认证（登录后输入身份验证器的动态码）。"},
                                status=403)
        name = "second-factor-verify" if secondfactor.confirmed_totp(user) else "second-factor-setup"
        target = request.get_full_path() if request.method == "GET" else "/"
        return redirect(f"{reverse(name)}?{urlencode({'next': target})}")
