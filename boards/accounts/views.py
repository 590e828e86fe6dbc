"""The second-factor pages: enrolment (QR code, secret, first code), the code page at login
(authenticator code or a recovery code) and new recovery codes. Thin: secondfactor.py does the work."""

from urllib.parse import urlencode

from django import forms
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django_otp import login as otp_login

from boards.accounts import secondfactor

SHOWN_CODES = "_zb_recovery_codes"  # the new codes, shown once on the next page and then dropped


class CodeForm(forms.Form):
    token = forms.CharField(label="动态码", max_length=32, strip=True,
                            widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "autofocus": True,
                                                          "inputmode": "text", "size": 20}))


def _to(name, next_url):
    return redirect(f"{reverse(name)}?{urlencode({'next': next_url})}")


def _next(request):
    target = request.POST.get("next") or request.GET.get("next") or "/"
    if not url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()):
        return "/"
    return target


@never_cache
@sensitive_post_parameters("token")
@login_required
def setup(request):
    """First login of an account that must use the second factor: bind an authenticator app."""
    user, next_url = request.user, _next(request)
    if secondfactor.confirmed_totp(user):
        return _to("second-factor-verify", next_url)
    device = secondfactor.pending_totp(user)
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        token = secondfactor.normalise(form.cleaned_data["token"])
        done = secondfactor.confirm_enrolment(request, user, token)
        if done is None:
            form.add_error("token", "动态码不正确，请核对手机上的身份验证器后重新输入（每 30 秒更新一次）。")
        else:
            otp_login(request, done[0])
            request.session[SHOWN_CODES] = done[1]
            return _to("second-factor-recovery", next_url)
    return render(request, "accounts/setup.html", {
        "form": form, "next": next_url, "qr_svg": secondfactor.qr_svg(device),
        "secret": secondfactor.secret_base32(device),
    }, status=400 if form.errors else 200)


@never_cache
@sensitive_post_parameters("token")
@login_required
def verify(request):
    """The code page after the password: an authenticator code or a recovery code."""
    user, next_url = request.user, _next(request)
    if not secondfactor.confirmed_totp(user):
        return _to("second-factor-setup", next_url)
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        device = secondfactor.verify(request, user, form.cleaned_data["token"])
        if device is None:
            form.add_error("token", "动态码或恢复码不正确，或尝试过于频繁，请稍候再试。")
        else:
            otp_login(request, device)
            return redirect(next_url)
    return render(request, "accounts/verify.html", {
        "form": form, "next": next_url, "recovery_left": secondfactor.remaining_recovery_codes(user),
    }, status=400 if form.errors else 200)


@never_cache
@login_required
def recovery(request):
    """Recovery codes: shown once right after enrolment; a verified account may issue new ones
    (the old ones stop working)."""
    next_url = request.GET.get("next") and _next(request)
    codes = request.session.pop(SHOWN_CODES, None)
    if request.method == "POST":
        if not request.user.is_verified():
            return redirect("second-factor-verify")
        codes = secondfactor.issue_recovery_codes(request.user)
    return render(request, "accounts/recovery.html", {
        "codes": codes, "next": next_url or "/",
        "left": secondfactor.remaining_recovery_codes(request.user),
    })
