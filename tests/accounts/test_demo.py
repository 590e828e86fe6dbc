"""Demo accounts come enrolled: seed_demo gives every privileged demo account a confirmed TOTP
device, prints its secret compactly, and a reseed keeps the secrets."""

import io
import re

import pytest
from django.core.management import call_command
from django.test import Client
from django_otp.plugins.otp_totp.models import TOTPDevice

from boards.accounts import secondfactor
from boards.accounts.demo import enrol_demo_accounts
from boards.kernel.models import Board, BoardMembership
from tests.support import address
from tests.support.accounts import at, code


@pytest.mark.django_db
@pytest.mark.timeout(900)  # the whole demo seed: slow on a loaded machine
def test_seed_demo_enrols_privileged_accounts_and_prints_their_secrets(settings):
    settings.DEBUG = True
    out = io.StringIO()
    call_command("seed_demo", stdout=out)
    printed = dict(re.findall(r"([a-z0-9.\-]+)=([A-Z2-7]{32})", out.getvalue()))
    privileged = set(BoardMembership.objects.filter(role__in=secondfactor.PRIVILEGED_ROLES)
                     .values_list("user__username", flat=True))
    assert set(printed) == privileged and "nmg-kcb.staff" in printed and "platform.admin" in printed
    assert "nmg-kcb.enterprise" not in printed and "nmg-kcb.institution" not in printed
    for device in TOTPDevice.objects.select_related("user"):
        assert device.confirmed and printed[device.user.username] == secondfactor.secret_base32(device)
    assert out.getvalue().count("platform.admin=") == 1
    again = io.StringIO()
    board = Board.objects.get(slug="nmg-kcb")
    enrol_demo_accounts(board, again)
    assert f"nmg-kcb.staff={printed['nmg-kcb.staff']}" in again.getvalue()  # the same secret
    assert TOTPDevice.objects.count() == len(privileged)

    # The printed secret logs the demo account in, with the switch off.
    settings.ZHUANBAN_DEMO_SKIP_2FA = False
    client = Client(REMOTE_ADDR=address())
    client.post("/accounts/login/", {"username": "nmg-kcb.staff", "password": "zhuanban-demo-2026"})
    with at(0):
        device = TOTPDevice.objects.get(user__username="nmg-kcb.staff")
        response = client.post("/accounts/2fa/", {"token": code(device), "next": "/admin/"})
    assert response["Location"] == "/admin/"
