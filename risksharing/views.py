"""Web pages of risk sharing: the enhancers' 立项会 (/<board>/risksharing/meetings/), the
enterprise's cases and letters, and the portfolio with its charts for staff and regulators.
Thin: access through selectors (404 for anything not the caller's), writes through services."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render

from boards.kernel.errors import DomainError, add_to_form, form_status
from boards.kernel.filings import pdf_response
from boards.kernel.models import FilingState
from boards.kernel.steps import available, run
from risksharing import charts, money, selectors
from risksharing.forms import EnhancerViewForm
from risksharing.steps import enhancer_steps


@login_required
def meetings(request, board):
    institution, cases = selectors.enhancer_cases(request.user, request.board)
    return render(request, "risksharing/meetings.html", {"institution": institution, "cases": cases})


@login_required
def meeting(request, board, pk):
    """The case as the enhancer sees it at the 立项会, and its view (once): the step
    ``enhancer_steps``, drawn while available and checked again on submit (409 otherwise)."""
    case, view = selectors.access_meeting(request.user, request.board, pk)
    steps = enhancer_steps(view.institution)
    form = EnhancerViewForm(request.POST or None, obj=case)
    if request.method == "POST" and form.is_valid():
        try:
            run(steps, "record_view", case, request.user, form.service_kwargs())
        except DomainError as exc:
            add_to_form(form, exc)
        else:
            issued = "担保推荐函已出具。" if form.cleaned_data["intent"] else ""
            messages.success(request, f"立项会意见已提交。{issued}")
            return redirect(selectors.meeting_url(case))
    is_open = "record_view" in available(steps, case) or form.errors
    return render(request, "risksharing/meeting.html", {
        "case": case, "view": view, "form": form, "mode": selectors.mode_name(request.board, case.mode),
        "open": is_open, "preview": steps["record_view"].preview(case) if is_open else None},
        status=form_status(form) if request.method == "POST" else 200)


@login_required
def letter(request, board, pk):
    filing = selectors.access_letter(request.user, request.board, pk)
    if filing.state != FilingState.RENDERED:
        raise Http404("该函件正在生成，请稍后再下载。")
    return pdf_response(filing)


@login_required
def my_cases(request, board):
    cases = selectors.enterprise_cases(request.user, request.board)
    return render(request, "risksharing/my_cases.html", {"cases": cases})


def _money_rows(buckets):
    return [(b.label, [b.volume, b.outstanding, b.losses], False) for b in buckets]


@login_required
def portfolio(request, board):
    selectors.require_portfolio_reader(request.user, request.board)
    book = selectors.portfolio(request.board)
    series = ["合同金额", "在贷余额", "分担损失"]
    return render(request, "risksharing/portfolio.html", {
        "book": book,
        "charts": [
            charts.bar_chart("按分担模式（元）", series, _money_rows(book.by_mode)),
            charts.bar_chart("按增信机构（元）", series, _money_rows(book.by_enhancer)),
            charts.bar_chart("按资金方（元）", series, _money_rows(book.by_funder)),
            charts.bar_chart("风险补偿资金池余额（元）", ["余额"],
                             [(fund.name, [fund.balance], not fund.balance) for fund in book.funds]),
            charts.bar_chart(f"不良率对比（%，容忍度 {book.tolerance} 个百分点）",
                             ["科技小微贷款", "全部贷款"],
                             [(row.funder.name, [money.percent(row.tech_ratio), row.overall_ratio],
                               row.flagged) for row in book.npl], unit="%"),
        ],
    })
