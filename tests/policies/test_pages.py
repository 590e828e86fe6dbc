"""The pages: policy matches for staff and in the enterprise's own view, the award desk, the
Ordos dashboard, its XLSX and filing, and a lead unit's quarterly report. Each page: the role
that may see it, 404 for another board and for other roles, and a bounded number of queries."""

import datetime as dt
import io
from types import SimpleNamespace

import pytest
from django.test import Client
from django.utils import timezone
from openpyxl import load_workbook

from boards.kernel.calendar import SHANGHAI
from boards.kernel.models import Filing, Role
from boards.kernel.scoping import board_scope
from policies import ordos, services
from policies.models import Award, AwardState, QuarterlyReport
from tests.support.policies import LISTED, enterprise, first_listing_policy, owner_of, user_with_role


def _client(user):
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def scene(nmg, staff_user, other_staff_user):
    policy = first_listing_policy(nmg)
    mine = enterprise(nmg, "内蒙古稀土功能材料有限公司", **LISTED)
    return SimpleNamespace(board=nmg, policy=policy, mine=mine, owner=owner_of(mine, "owner"),
                           staff=staff_user, other_staff=other_staff_user,
                           regulator=user_with_role(nmg, "regulator", Role.REGULATOR))


def _page(board, tail):
    return f"/{board.slug}/policies/{tail}"


# --- Matches ---------------------------------------------------------------------------------------


def test_staff_see_an_enterprises_matches_and_apply_for_it(scene, django_assert_max_num_queries):
    client, url = _client(scene.staff), _page(scene.board, f"enterprises/{scene.mine.pk}/")
    with django_assert_max_num_queries(14):
        page = client.get(url)
    html = page.content.decode()
    assert page.status_code == 200 and 'data-policy="first-listing"' in html
    assert "2026-03-02 进入优选层、上市层" in html
    applied = client.post(url, {"policy": "first-listing"})
    assert applied.status_code == 302
    with board_scope(scene.board):
        assert Award.objects.get().applied_by == scene.staff
    again = client.post(url, {"policy": "first-listing"})
    assert again.status_code == 409 and "不能重复申请" in again.content.decode()
    missing = client.post(url, {"policy": "nope"})
    assert missing.status_code == 400 and "没有这项政策" in missing.content.decode()


@pytest.mark.parametrize("who", ["owner", "other_staff"])
def test_the_staff_page_is_404_for_others(scene, who):
    page = _client(getattr(scene, who)).get(_page(scene.board, f"enterprises/{scene.mine.pk}/"))
    assert page.status_code == 404


def test_the_enterprise_sees_its_own_matches_and_applies(scene, django_assert_max_num_queries):
    client, url = _client(scene.owner), _page(scene.board, "my/")
    with django_assert_max_num_queries(14):
        page = client.get(url)
    assert page.status_code == 200 and "政策匹配：内蒙古稀土功能材料有限公司" in page.content.decode()
    assert client.post(url, {"policy": "first-listing"}).status_code == 302
    assert "已有申请：已申请" in client.get(url).content.decode()


@pytest.mark.parametrize("who", ["staff", "other_staff", "no_enterprise"])
def test_my_page_is_404_without_an_enterprise_of_ones_own(scene, who):
    user = user_with_role(scene.board, "lonely", Role.ENTERPRISE_USER) if who == "no_enterprise" else \
        getattr(scene, who)
    assert _client(user).get(_page(scene.board, "my/")).status_code == 404


# --- Award desk ------------------------------------------------------------------------------------


def test_staff_work_the_award_desk(scene, celery_eager, django_assert_max_num_queries):
    others = [enterprise(scene.board, f"测试挂牌企业{i}有限公司", **LISTED) for i in range(3)]
    with board_scope(scene.board):
        for company in [scene.mine, *others]:
            services.apply_for_award(company, scene.policy, actor=scene.staff)
        award = Award.objects.get(enterprise=scene.mine)
    client = _client(scene.staff)
    with django_assert_max_num_queries(8):
        desk = client.get(_page(scene.board, "awards/"))
    assert desk.status_code == 200 and desk.content.decode().count("<button>核验</button>") == 4
    step = _page(scene.board, f"awards/{award.pk}/{{}}/")
    assert client.post(step.format("verify"), {"amount": "三十万"}).status_code == 400
    illegal = client.post(step.format("approve"))
    assert illegal.status_code == 409 and "可执行的操作: reject, verify" in illegal.content.decode()
    for name, data in (("verify", {}), ("approve", {}), ("disburse", {"reference": "KJT-01"})):
        with django_assert_max_num_queries(20):
            assert client.post(step.format(name), data).status_code == 302
    assert client.post(step.format("pay")).status_code == 404
    year = str(timezone.localdate().year)
    with django_assert_max_num_queries(40):  # the filing (rendered after commit) and the desk again
        filed = client.post(_page(scene.board, "awards/file/"), {"year": year}, follow=True)
    assert "年度奖补汇总已生成报备：NMG-KCB-" in filed.content.decode()
    with board_scope(scene.board):
        assert Award.objects.get(pk=award.pk).state == AwardState.DISBURSED
        assert Filing.objects.filter(kind="policies.awards").count() == 1


@pytest.mark.parametrize("who", ["owner", "other_staff", "regulator"])
def test_the_award_desk_is_404_for_others(scene, who):
    with board_scope(scene.board):
        award = services.apply_for_award(scene.mine, scene.policy, actor=scene.staff)
    client = _client(getattr(scene, who))
    assert client.get(_page(scene.board, "awards/")).status_code == 404
    assert client.post(_page(scene.board, f"awards/{award.pk}/verify/")).status_code == 404
    assert client.post(_page(scene.board, "awards/file/"), {"year": "2026"}).status_code == 404


# --- Ordos -----------------------------------------------------------------------------------------


@pytest.fixture
def programme(board, ledger, staff_user, other_staff_user):
    with board_scope(board):
        ordos.open_quarter_reports(board, 2026, 2)
        ordos.open_quarter_reports(board, 2026, 3)
        for report in QuarterlyReport.objects.filter(quarter=2).select_related("unit"):
            entries = {entry.task.number: {"progress": "已完成", "next_steps": "继续"}
                       for entry in report.entries.all()}
            ordos.submit_quarterly_report(report, actor=report.unit.contact, entries=entries,
                                          at=dt.datetime(2026, 7, 6, tzinfo=SHANGHAI))
    return SimpleNamespace(board=board, ledger=ledger, staff=staff_user, other_staff=other_staff_user,
                           regulator=user_with_role(board, "regulator", Role.REGULATOR),
                           owner=user_with_role(board, "owner", Role.ENTERPRISE_USER))


@pytest.mark.parametrize("who", ["staff", "regulator"])
def test_the_dashboard_shows_charts_the_overdue_and_the_ledger(programme, who, django_assert_max_num_queries):
    client = _client(getattr(programme, who))
    with django_assert_max_num_queries(12):
        page = client.get(_page(programme.board, "ordos/"))
    html = page.content.decode()
    assert page.status_code == 200 and 'data-chart="punctuality"' in html
    assert "逾期未报送（9）" in html  # Q3 2026 was due on 13 October; Q2 came in on time
    overdue = html.split('id="overdue"')[1].split("</table>")[0]
    assert overdue.count("<td>2026年第3季度</td>") == 9 and "第2季度" not in overdue
    assert html.count('class="bar"') >= 2 and "扩大人才和科创信贷规模" in html
    assert ("生成 2026 年第 3 季度台账报备" in html) is (who == "staff")


@pytest.mark.parametrize("who", ["owner", "other_staff"])
def test_the_dashboard_xlsx_and_filing_are_404_for_others(programme, who):
    client = _client(getattr(programme, who))
    for url in ("ordos/", "ordos/ledger.xlsx"):
        assert client.get(_page(programme.board, url)).status_code == 404
    filed = client.post(_page(programme.board, "ordos/file/"), {"year": "2026", "quarter": "3"})
    assert filed.status_code == 404


def test_a_board_without_the_ledger_has_no_dashboard(programme):
    programme.board.config["modules"] = ["boards", "policies"]
    programme.board.save()
    assert _client(programme.staff).get(_page(programme.board, "ordos/")).status_code == 404


def test_the_ledger_downloads_as_xlsx_and_is_filed(programme, celery_eager, django_assert_max_num_queries):
    client = _client(programme.regulator)
    with django_assert_max_num_queries(12):
        response = client.get(_page(programme.board, "ordos/ledger.xlsx?year=2026&quarter=2"))
    assert response["Content-Disposition"] == 'attachment; filename="ordos-ledger-2026Q2.xlsx"'
    rows = list(load_workbook(io.BytesIO(response.content))["重点任务台账2026Q2"].values)
    assert len(rows) == 15
    assert rows[1][6] == "人民银行鄂尔多斯市中心支行：已完成\n市政府金融办：已完成"
    assert client.get(_page(programme.board, "ordos/ledger.xlsx?year=2026&quarter=5")).status_code == 400
    by_regulator = client.post(_page(programme.board, "ordos/file/"), {"year": "2026", "quarter": "2"})
    assert by_regulator.status_code == 404  # regulators read, the exchange files
    staff = _client(programme.staff)
    with django_assert_max_num_queries(42):  # the filing (rendered after commit) and the dashboard again
        filed = staff.post(_page(programme.board, "ordos/file/"), {"year": "2026", "quarter": "2"},
                           follow=True)
    year = timezone.localdate().year
    assert f"2026年第2季度台账已生成报备 NMG-KCB-{year}-0001，报送金融办。" in filed.content.decode()
    with board_scope(programme.board):
        assert Filing.objects.get().kind == "policies.ordos_ledger"


def test_a_lead_unit_reports_its_quarter(programme, django_assert_max_num_queries):
    unit = programme.ledger.units["市财政局"]
    with board_scope(programme.board):
        report = QuarterlyReport.objects.get(unit=unit, quarter=3)
        other = QuarterlyReport.objects.exclude(unit=unit).filter(quarter=3).first()
    client = _client(unit.contact)
    with django_assert_max_num_queries(10):
        listing = client.get(_page(programme.board, "ordos/reports/"))
    assert listing.status_code == 200 and listing.content.decode().count("市财政局</a>") == 2
    url = _page(programme.board, f"ordos/reports/{report.pk}/")
    with django_assert_max_num_queries(10):
        assert client.get(url).status_code == 200
    incomplete = client.post(url, {"progress-7": "基金募集已完成 12 亿元"})
    assert incomplete.status_code == 400
    assert "请填写第 7 项任务的进展情况和下一步工作计划" in incomplete.content.decode()
    assert "基金募集已完成 12 亿元" in incomplete.content.decode()  # what was typed is kept
    done = client.post(url, {"progress-7": "基金募集已完成 12 亿元", "next_steps-7": "推动设立子基金"})
    assert done.status_code == 302
    with board_scope(programme.board):
        report = QuarterlyReport.objects.get(pk=report.pk)
        assert report.state == "submitted" and report.entries.get().next_steps == "推动设立子基金"
    assert client.get(_page(programme.board, f"ordos/reports/{other.pk}/")).status_code == 404


@pytest.mark.parametrize("who", ["staff", "other_staff", "owner"])
def test_the_unit_pages_are_404_for_non_contacts(programme, who):
    with board_scope(programme.board):
        report = QuarterlyReport.objects.first()
    client = _client(getattr(programme, who))
    assert client.get(_page(programme.board, "ordos/reports/")).status_code == 404
    assert client.get(_page(programme.board, f"ordos/reports/{report.pk}/")).status_code == 404
