"""Password policy: 12+ characters, 3 of 4 character classes, none of the last 5 passwords, with
the refusal in Chinese next to the field and nothing changed."""

import pytest
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError

from boards.accounts.models import PasswordHistory
from tests.support.accounts import PASSWORD, logged_in, member

pytestmark = pytest.mark.django_db


def messages(password, user=None):
    try:
        validate_password(password, user)
    except ValidationError as exc:
        return " ".join(exc.messages)
    return ""


def test_length_and_character_classes():
    assert "至少需要 12 个字符" in messages("Ab1!Ab1!Ab1")  # 11 characters
    assert "至少 3 类" in messages("abcdefghijklmnop")
    assert "至少 3 类" in messages("abcdefgh12345678")  # 2 classes
    assert messages("abcdefgh1234567-") == ""  # lower, digit, symbol
    assert messages("Zhuanban-Test-2026") == ""


def change(client, old, new):
    return client.post("/accounts/password_change/", {"old_password": old, "new_password1": new,
                                                      "new_password2": new})


def test_the_last_five_passwords_are_refused_next_to_the_field(board):
    user = member("pw-user", board, "enterprise_user")
    client = logged_in(user)
    passwords = [PASSWORD] + [f"Rotated-Pass-{n}x" for n in range(1, 6)]
    for old, new in zip(passwords, passwords[1:], strict=False):
        assert change(client, old, new).status_code == 302
        client = logged_in(user, new)
    assert PasswordHistory.objects.filter(user=user).count() == 5
    current = passwords[-1]
    for reused in passwords[-5:]:
        response = change(client, current, reused)
        assert response.status_code == 200
        html = response.content.decode()
        assert "不能使用最近 5 次用过的密码。" in response.context["form"].errors["new_password2"]
        # Next to the field, and the old password typed is kept in the form.
        field_row = html[html.index('id="id_new_password2"') - 1500:html.index('id="id_new_password2"') + 800]
        assert "不能使用最近 5 次用过的密码" in field_row
    user.refresh_from_db()
    assert user.check_password(current)
    # The sixth-newest (the first) is allowed again.
    assert change(client, current, passwords[0]).status_code == 302


def test_a_weak_new_password_is_refused_in_chinese(board):
    user = member("pw-weak", board, "enterprise_user")
    response = change(logged_in(user), PASSWORD, "short1A")
    errors = " ".join(response.context["form"].errors["new_password2"])
    assert "密码长度太短，至少需要 12 个字符。" in errors
    user.refresh_from_db()
    assert user.check_password(PASSWORD)
