"""Password policy (等保 三级 身份鉴别：口令复杂度并定期更换): at least 12 characters (Django's
MinimumLengthValidator, AUTH_PASSWORD_VALIDATORS), at least 3 of the 4 character classes, and
none of the account's last PASSWORD_HISTORY_COUNT passwords. Django runs these validators in
every form that sets a password (password change and reset, the admin's) and calls
``password_changed`` after any ``set_password`` + ``save``, which keeps the history."""

import string

from django.conf import settings
from django.contrib.auth.hashers import check_password
from django.contrib.auth.password_validation import MinimumLengthValidator
from django.core.exceptions import ValidationError

from boards.accounts.models import PasswordHistory

CLASSES = (
    ("大写字母", lambda c: c in string.ascii_uppercase),
    ("小写字母", lambda c: c in string.ascii_lowercase),
    ("数字", lambda c: c in string.digits),
    ("符号", lambda c: not c.isalnum() and not c.isspace()),
)


class MinimumLengthChineseValidator(MinimumLengthValidator):
    """Django's length rule; its message has no Simplified Chinese translation in Django 5.2."""

    def get_error_message(self):
        return f"密码长度太短，至少需要 {self.min_length} 个字符。"

    def get_help_text(self):
        return f"密码至少需要 {self.min_length} 个字符。"


class CharacterClassValidator:
    def __init__(self, min_classes=3):
        self.min_classes = min_classes

    def validate(self, password, user=None):
        present = sum(1 for _, test in CLASSES if any(test(c) for c in password))
        if present < self.min_classes:
            raise ValidationError(self.get_help_text(), code="password_too_simple")

    def get_help_text(self):
        names = "、".join(name for name, _ in CLASSES)
        return f"密码须包含{names}中的至少 {self.min_classes} 类。"


class PasswordHistoryValidator:
    """Refuses the account's current password and its recent ones (the newest ``count`` in all)."""

    def __init__(self, count=None):
        self.count = count or settings.PASSWORD_HISTORY_COUNT

    def _recent(self, user):
        recent = PasswordHistory.objects.filter(user=user).values_list("password", flat=True)
        return list(recent[: self.count])

    def validate(self, password, user=None):
        if user is None or user.pk is None:
            return
        hashes = self._recent(user)
        if user.password and user.password not in hashes:
            hashes.insert(0, user.password)  # an account from before the history existed
        if any(check_password(password, encoded) for encoded in hashes[: self.count]):
            raise ValidationError(f"不能使用最近 {self.count} 次用过的密码。", code="password_reused")

    def password_changed(self, password, user=None):
        if user is None or user.pk is None or not user.password:
            return
        PasswordHistory.objects.create(user=user, password=user.password)
        stale = PasswordHistory.objects.filter(user=user).values_list("pk", flat=True)[self.count:]
        PasswordHistory.objects.filter(pk__in=list(stale)).delete()

    def get_help_text(self):
        return f"不能使用最近 {self.count} 次用过的密码。"
