"""The invitee's page: roles other boards offer to this account, to accept or decline."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from boards.kernel import invitations
from boards.kernel.errors import DomainError
from boards.kernel.requests import AuthenticatedRequest


@login_required
def invitation_list(request: AuthenticatedRequest) -> HttpResponse:
    return render(request, "boards/invitations.html", {"invitations": invitations.pending_for(request.user)})


@login_required
@require_POST
def invitation_answer(request: AuthenticatedRequest, pk: str, answer: str) -> HttpResponseRedirect:
    # answer: accept | decline (the URL allows no other)
    step = {"accept": invitations.accept, "decline": invitations.decline}[answer]
    try:
        invitation = step(int(pk), user=request.user)
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect("invitation-list")
    verb = "已接受" if answer == "accept" else "已谢绝"
    role = invitation.get_role_display()
    messages.success(request, f"{verb}「{invitation.board.name_zh}」的{role}角色邀请。")
    return redirect("invitation-list")
