"""Web pages of risk sharing: the enhancers' 立项会 (/<board>/risksharing/meetings/), the
enterprise's cases and letters, and the portfolio with its charts for staff and regulators.
Thin: access through selectors (404 for anything not the caller's), writes through services."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render

from boards.kernel.errors import DomainError, add_to_form
from boards.kernel.filings import pdf_response
from boards.kernel.models import FilingState
from risksharing import charts, money, selectors, services
from risksharing.forms import EnhancerViewForm
from risksharing.models import CaseState


@login_required
def meetings(request, board):
    institution, cases = selectors.enhancer_cases(request.user, request.board)
    return render(request, "risksharing/meetings.html", {"institution": institution, "cases": cases})


@login_required
def meeting(request, board, pk):
    """The case as the enhancer sees it at the 立项会, and its view (once)."""
    case, view = selectors.access_meeting(request.user, request.board, pk)
    form = EnhancerViewForm(request.POST or None)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                services.record_enhancer_view(case, institution=view.institution, actor=request.user,
                                              **form.cleaned_data)
            except DomainError as exc:
                add_to_form(form, exc)
                status = exc.status
            else:
                issued = "担保推荐函已出具。" if form.cleaned_data["intent"] else ""
                messages.success(request, f"立项会意见已提交。{issued}")
                return redirect(selectors.meeting_url(case))
    return render(request, "risksharing/meeting.html", {
        "case": case, "view": view, "form": form, "mode": selectors.mode_name(request.board, case.mode),
        "open": case.state == CaseState.RECOMMENDED and view.intent is None}, status=status)


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
