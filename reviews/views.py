"""The expert portal (/portal/) and the enterprise's view of its reviews (/<board>/reviews/).
Thin: access through selectors (404 for anything not the caller's), writes through services,
a refused step shown on the same page, next to the field it concerns, the input kept."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import content_disposition_header
from django.views.decorators.http import require_POST

from boards.kernel.errors import DomainError, add_to_form, form_status
from boards.kernel.files import serve_file
from boards.kernel.steps import available, run
from reviews import selectors, services
from reviews.forms import ReviewForm
from reviews.models import SeatState
from reviews.steps import SEAT_STEPS
from reviews.wordform import review_form_docx

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


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


def _seat_page(request, seat, form=None, status=200, step_forms=None):
    """The seat with the expert's steps available now (SEAT_STEPS: each with what confirming it
    does), a refused one's form kept with its reason, and the review form."""
    opinion = selectors.seat_opinion(seat)
    can_fill = seat.state in (SeatState.RECEIVED, SeatState.SUPPLEMENT_REQUESTED)
    step_forms = step_forms or {}
    steps = {name: {"step": SEAT_STEPS[name], "preview": SEAT_STEPS[name].preview(seat),
                    "form": step_forms.get(name) or SEAT_STEPS[name].form(obj=seat)}
             for name in [*available(SEAT_STEPS, seat), *step_forms]}
    return render(request, "reviews/portal/seat.html", {
        "seat": seat, "case": seat.case, "clock": selectors.clock(seat), "opinion": opinion,
        "form": form or (_review_form(seat, opinion) if can_fill else None),
        "can_submit": "submit_opinion" in steps,
        "supplements": seat.supplements.all(), "steps": steps,
    }, status=status)


@login_required
def seat_detail(request, board, pk):
    return _seat_page(request, selectors.access_seat(request.user, request.board, pk))


def _seat_step(request, pk, name):
    """Run the expert's step ``name`` (availability checked again on the locked row: a step
    that is no longer available answers 409 on the same page, the input kept)."""
    seat = selectors.access_seat(request.user, request.board, pk)
    step = SEAT_STEPS[name]
    form = step.form(request.POST, obj=seat)
    if form.is_valid():
        try:
            run(SEAT_STEPS, name, seat, request.user, form.service_kwargs())
        except DomainError as exc:
            add_to_form(form, exc)
        else:
            messages.success(request, step.done_message(seat))
            return redirect("reviews-portal:home" if name == "decline" else selectors.portal_seat_url(seat))
    return _seat_page(request, seat, status=form_status(form), step_forms={name: form})


@login_required
@require_POST
def confirm_receipt(request, board, pk):
    return _seat_step(request, pk, "confirm_receipt")


@login_required
@require_POST
def request_supplement(request, board, pk):
    return _seat_step(request, pk, "request_supplement")


@login_required
@require_POST
def decline(request, board, pk):
    return _seat_step(request, pk, "decline")


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
        if submit:  # the declared step: available now, checked again on the locked row (409 otherwise)
            run(SEAT_STEPS, "submit_opinion", seat, request.user,
                {"data": request.POST, "signed_form": request.FILES.get("signed_form")})
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
