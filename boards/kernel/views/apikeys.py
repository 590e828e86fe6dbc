"""The institution's API keys page: its users create (named), list and revoke the keys their
institution uses on this board. A new key is shown once, on the answer to its creation."""

from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from boards.kernel import apikeys
from boards.kernel.errors import DomainError, add_to_form
from boards.kernel.requests import AuthenticatedRequest, board_of


class KeyForm(forms.Form):
    label = forms.CharField(label="用途说明", max_length=100,
                            help_text="例如“信贷系统对接”，便于日后识别和吊销",
                            error_messages={"required": "请填写用途说明。"})


@login_required
@never_cache  # the answer to a creation carries the key: never kept by a cache
def key_list(request: AuthenticatedRequest, board: str) -> HttpResponse:
    current = board_of(request)
    institution = apikeys.key_institution(request.user, current)
    form = KeyForm(request.POST or None)
    created: dict[str, Any] | None = None
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                key, full_key = apikeys.issue_key(current, institution, request.user,
                                                  label=form.cleaned_data["label"])
            except DomainError as exc:
                add_to_form(form, exc)
                status = exc.status
            else:
                created = {"key": key, "full_key": full_key, "header": apikeys.header_example(full_key)}
                form = KeyForm()
        else:
            status = 400
    return render(request, "boards/api_keys.html", {
        "institution": institution, "keys": apikeys.keys_of(current, institution), "form": form,
        "created": created, "api_base": f"/api/v1/{current.slug}/",
    }, status=status)


@login_required
@require_POST
def key_revoke(request: AuthenticatedRequest, board: str, pk: int) -> HttpResponseRedirect:
    key = apikeys.access_key(request.user, board_of(request), pk)
    try:
        apikeys.revoke_key(key, actor=request.user)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, f"密钥 {key.prefix}…（{key.label or '未命名'}）已吊销，"
                                  "使用它的调用将被拒绝。")
    return redirect("api-keys", board=board_of(request).slug)
