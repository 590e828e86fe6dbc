"""The expert portal (/portal/) and the enterprise's view of its reviews (/<board>/reviews/).
Thin: access through selectors (404 for anything not the caller's), writes through services,
a refused step shown on the same page, next to the field it concerns, the input kept."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import content_disposition_header
from django.views.decorators.http import require_POST

from boards.kernel.errors import DomainError, add_to_form
from boards.kernel.files import serve_file
from reviews import selectors, services
from reviews.forms import DeclineForm, ReviewForm, SupplementForm
from reviews.models import CaseState, SeatState
from reviews.wordform import review_form_docx

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def _attempt(request, seat, step, success):
    try:
        step()
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, success)
    return redirect(selectors.portal_seat_url(seat))


@login_required
def portal_home(request):
    seats = selectors.portal_seats(request.user)
    rows = [{"seat": seat, "case": seat.case, "clock": selectors.clock(seat),
             "url": selectors.portal_seat_url(seat)} for seat in seats]
    return render(request, "reviews/portal/home.html", {"rows": rows})


def _review_form(seat, opinion, data=None):
    initial = {**opinion.form_data, "vote": opinion.vote} if opinion else None
    return ReviewForm(seat.case.rules["form"], data, initial=initial,
                      institution_ids=selectors.service_institution_ids(seat.case))


def _seat_page(request, seat, form=None, status=200, supplement_form=None, decline_form=None):
    opinion = selectors.seat_opinion(seat)
    can_fill = seat.state in (SeatState.RECEIVED, SeatState.SUPPLEMENT_REQUESTED)
    return render(request, "reviews/portal/seat.html", {
        "seat": seat, "case": seat.case, "clock": selectors.clock(seat), "opinion": opinion,
        "form": form or (_review_form(seat, opinion) if can_fill else None),
        "can_submit": seat.state == SeatState.RECEIVED and selectors.opinions_open(seat.case, seat),
        "can_supplement": seat.state == SeatState.RECEIVED and seat.case.state == CaseState.MATERIAL_SENT,
        "supplements": seat.supplements.all(),
        "supplement_form": supplement_form or SupplementForm(),
        "decline_form": decline_form or DeclineForm(),
    }, status=status)


@login_required
def seat_detail(request, board, pk):
    return _seat_page(request, selectors.access_seat(request.user, request.board, pk))


@login_required
@require_POST
def confirm_receipt(request, board, pk):
    seat = selectors.access_seat(request.user, request.board, pk)
    return _attempt(request, seat, lambda: services.confirm_receipt(seat, actor=request.user),
                    "已确认收悉材料，评审期限开始计算。")


@login_required
@require_POST
def request_supplement(request, board, pk):
    seat = selectors.access_seat(request.user, request.board, pk)
    form = SupplementForm(request.POST)
    if not form.is_valid():
        return _seat_page(request, seat, status=400, supplement_form=form)
    try:
        services.request_supplement(seat, text=form.cleaned_data["text"], actor=request.user)
    except DomainError as exc:
        add_to_form(form, exc)
        return _seat_page(request, seat, status=exc.status, supplement_form=form)
    messages.success(request, "补充材料申请已提交交易中心，等待期间评审期限暂停。")
    return redirect(selectors.portal_seat_url(seat))


@login_required
@require_POST
def decline(request, board, pk):
    seat = selectors.access_seat(request.user, request.board, pk)
    form = DeclineForm(request.POST)
    if not form.is_valid():
        return _seat_page(request, seat, status=400, decline_form=form)
    try:
        services.decline_seat(seat, reason=form.cleaned_data["reason"], actor=request.user)
    except DomainError as exc:
        add_to_form(form, exc)
        return _seat_page(request, seat, status=exc.status, decline_form=form)
    messages.success(request, "已拒绝参加本次评审，交易中心将另行抽取专家。")
    return redirect("reviews-portal:home")


@login_required
@require_POST
def opinion(request, board, pk):
    """Save the form as a draft, or submit it with the signed scan."""
    seat = selectors.access_seat(request.user, request.board, pk)
    form = _review_form(seat, None, request.POST)
    if not form.is_valid():
        messages.error(request, "评审表填写有误，请按提示修改。")
        return _seat_page(request, seat, form, status=400)
    submit = request.POST.get("action") == "submit"
    try:
        if submit:
            services.submit_opinion(seat, data=request.POST, signed_form=request.FILES.get("signed_form"),
                                    actor=request.user)
        else:
            services.save_opinion(seat, data=request.POST, actor=request.user)
    except DomainError as exc:
        add_to_form(form, exc)
        return _seat_page(request, seat, form, status=exc.status)
    messages.success(request, "评审意见已提交，感谢您的评审。" if submit
                     else "评审表已保存，可下载 Word 版签字。")
    return redirect(selectors.portal_seat_url(seat))


@login_required
def opinion_docx(request, board, pk):
    seat = selectors.access_seat(request.user, request.board, pk)
    response = HttpResponse(review_form_docx(seat, selectors.seat_opinion(seat)), content_type=DOCX)
    response["Content-Disposition"] = content_disposition_header(
        True, f"{seat.case.rules['form']['title'].strip('《》')}-{seat.case.enterprise.name}.docx")
    return response


@login_required
def material(request, board, pk, material_pk):
    seat, item = selectors.access_material(request.user, request.board, pk, material_pk)
    services.record_download(seat, item, actor=request.user)
    return serve_file(request, item.file)


# --- Enterprise --------------------------------------------------------------------------------


@login_required
def enterprise_cases(request, board):
    cases = selectors.enterprise_cases(request.user, request.board)
    return render(request, "reviews/enterprise/list.html", {"cases": cases})


@login_required
def enterprise_case(request, board, pk):
    case = selectors.access_enterprise_case(request.user, request.board, pk)
    return render(request, "reviews/enterprise/case.html", {
        "case": case, "feedback_sent": case.state in selectors.FEEDBACK_STATES})


@login_required
def feedback_letter(request, board, pk):
    case = selectors.access_enterprise_case(request.user, request.board, pk)
    if case.feedback_letter is None:
        raise Http404("反馈函尚未生成。")
    return serve_file(request, case.feedback_letter)
