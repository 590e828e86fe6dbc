"""Helpers of the accounts tests, shared with other folders (the fixtures stay in its conftest.py)."""

import datetime
import time

import time_machine
from django.test import Client
from django.utils import timezone
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from tests.factories import MembershipFactory, UserFactory
from tests.support import address

PASSWORD = "Zhuanban-Test-2026"


# Near the real clock (logins happen at real time), on the start of a 30-second TOTP step.
T0 = datetime.datetime.fromtimestamp(int(time.time()) // 30 * 30 + 1, tz=datetime.UTC)


def code(device):
    """The device's current six-digit code (as the phone shows it)."""
    device.refresh_from_db()
    return f"{totp(device.bin_key, device.step, device.t0, device.digits, device.drift):06d}"


def at(minutes=0, seconds=0):
    """Freeze the clock ``minutes`` after T0: codes and the check then see one time step."""
    return time_machine.travel(T0 + datetime.timedelta(minutes=minutes, seconds=seconds), tick=False)


def member(username, board, role, **user):
    account = UserFactory(username=username, password=PASSWORD, **user)
    MembershipFactory(user=account, board=board, role=role)
    return account


def enrolled(user):
    return TOTPDevice.objects.create(user=user, name="身份验证器", confirmed=True)


def logged_in(user, password=PASSWORD):
    client = Client(REMOTE_ADDR=address())
    response = client.post("/accounts/login/", {"username": user.username, "password": password})
    assert response.status_code == 302, response.content.decode()[:500]
    return client


def now():
    return timezone.now()
