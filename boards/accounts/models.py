"""The authentication log and the password history. Neither belongs to a board: an account logs in
to the platform, not to one tenant, so both are platform data that only platform admins read."""

from django.conf import settings
from django.db import models


class AuthEventKind(models.TextChoices):
    LOGIN = "login", "登录成功"
    LOGIN_FAILED = "login_failed", "登录失败"
    LOCKED_OUT = "locked_out", "账号锁定"
    OTP_VERIFIED = "otp_verified", "双因素验证成功"
    OTP_FAILED = "otp_failed", "双因素验证失败"
    OTP_ENROLLED = "otp_enrolled", "绑定双因素认证"
    RECOVERY_USED = "recovery_used", "使用恢复码"
    OTP_RESET = "otp_reset", "重置双因素认证"
    LOGOUT = "logout", "退出登录"
    SESSION_EXPIRED = "session_expired", "会话超时"
    PASSWORD_CHANGED = "password_changed", "修改密码"


class AuthEvent(models.Model):
    """One authentication event, kept AUTH_LOG_RETENTION_DAYS (at least 183) and then purged by
    ``purge_auth_log``. Append-only by use: no page or admin changes a row."""

    created_at = models.DateTimeField("时间", auto_now_add=True, db_index=True)
    kind = models.CharField("事件", max_length=20, choices=AuthEventKind.choices)
    # The name typed at the login form, kept even when no such account exists (password spraying).
    username = models.CharField("用户名", max_length=150, blank=True)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                             related_name="+", verbose_name="账号")
    ip_address = models.GenericIPAddressField("来源地址", null=True, blank=True)
    user_agent = models.CharField("浏览器", max_length=255, blank=True)
    detail = models.CharField("说明", max_length=255, blank=True)

    class Meta:
        verbose_name = "认证日志"
        verbose_name_plural = "认证日志"
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["username", "-created_at"])]

    def __str__(self):
        return f"{self.created_at:%Y-%m-%d %H:%M:%S} {self.get_kind_display()} {self.username}"


class PasswordHistory(models.Model):
    """Hashes of an account's recent passwords (the newest PASSWORD_HISTORY_COUNT), so that
    ``PasswordHistoryValidator`` refuses their reuse. Only hashes, as in auth_user."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    password = models.CharField(max_length=128)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "历史密码"
        verbose_name_plural = "历史密码"
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["user", "-created_at"])]

    def __str__(self):
        return f"{self.user} 的历史密码（{self.created_at:%Y-%m-%d}）"
