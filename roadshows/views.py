"""Pages under /<board>/roadshows/: an enterprise's roadshows (those taking sign-ups, its own
sign-ups) and its sign-up form; an institution's invitations and their answers. Another board's
row, one the caller may not see and a caller without the role all get 404."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse

from boards.enterprises.models import Enterprise
from boards.kernel.access import user_roles
from boards.kernel.errors import DomainError, add_to_form
from boards.kernel.steps import available
from boards.kernel.steps.pages import form_page, step_page
from roadshows import selectors
from roadshows.services import participants
from roadshows.steps import INVITATION_STEPS


class SignupForm(forms.Form):
    enterprise = forms.ModelChoiceField(label="报名企业", queryset=Enterprise.objects.none(),
                                        empty_label=None)
    pitch = forms.CharField(
        label="路演项目简介",
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 4, "cols": 70}),
        help_text="主营业务、核心技术、融资用途，供投资机构事先了解",
    )
    amount = forms.DecimalField(
        label="拟融资金额（元）",
        max_digits=16,
        decimal_places=2,
        required=False,
        help_text="如 5000000.00；没有明确金额可不填",
    )

    def __init__(self, *args, enterprises, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["enterprise"].queryset = enterprises


@login_required
def enterprise_roadshows(request, board):
    open_ones, signups, taken = selectors.enterprise_roadshows(request.user, request.board)
    return render(
        request,
        "roadshows/enterprise.html",
        {
            "open_roadshows": [(r, r.pk in taken, participants.signup_refusal(r)) for r in open_ones],
            "signups": signups,
        },
    )


@login_required
def signup(request, board, pk):
    roadshow = selectors.access_open_roadshow(request.user, request.board, pk)
    enterprises, none_left = selectors.enterprises_to_sign_up(request.user, request.board, roadshow)
    form = SignupForm(request.POST or None, enterprises=enterprises)
    done = reverse("roadshows-enterprise", kwargs={"board": board})
    refusal = participants.signup_refusal(roadshow)
    status, error = None, None
    if refusal:  # no form: what stands against signing up, and the way back
        form, status, error = None, 409, DomainError(refusal, code="signup_closed")
    elif none_left:
        form, status, error = None, 409, DomainError(none_left, code="signed_up")
    elif request.method == "POST" and form.is_valid():
        try:
            participants.sign_up(roadshow, actor=request.user, **form.cleaned_data)
        except DomainError as exc:
            add_to_form(form, exc)
            status = exc.status
        else:
            messages.success(request, f"已报名「{roadshow.title}」，请等待交易中心审核。")
            return redirect(done)
    return form_page(
        request,
        title=f"报名「{roadshow}」",
        form=form,
        done_url=done,
        status=status,
        context={"base_template": "base.html", "breadcrumbs": [(done, "路演活动")], "error": error},
    )


@login_required
def invitations(request, board):
    rows = list(selectors.invitations_for(request.user, request.board).order_by("-roadshow__starts_at"))
    roles = set(user_roles(request.user, request.board))
    return render(
        request,
        "roadshows/invitations.html",
        {
            "rows": [
                (i, [(n, INVITATION_STEPS[n].label) for n in available(INVITATION_STEPS, i, roles)])
                for i in rows
            ]
        },
    )


@login_required
def invitation_step(request, board, pk, step):
    invitation = selectors.access_invitation(request.user, request.board, pk)
    roles = set(user_roles(request.user, request.board))
    spec = INVITATION_STEPS.get(step)
    if spec is None or not roles & set(spec.roles):  # staff read invitations; only the institution answers
        raise Http404("没有这个操作。")
    done = reverse("roadshows-invitations", kwargs={"board": board})
    return step_page(
        request,
        steps=INVITATION_STEPS,
        name=step,
        obj=invitation,
        roles=roles,
        done_url=done,
        step_url=lambda name: reverse(
            "roadshows-invitation-step", kwargs={"board": board, "pk": invitation.pk, "step": name}
        ),
        context={"base_template": "base.html", "breadcrumbs": [(done, "路演邀请")]},
    )
