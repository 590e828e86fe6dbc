"""统一社会信用代码 checks on the enterprise registry: model, services and admin; and the
registry's services, each with its evidence entry."""

import datetime
import random
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from boards.enterprises.models import Enterprise, FinancialYear, Qualification
from boards.enterprises.services import registry as services
from boards.kernel.models import EvidenceEntry
from boards.kernel.scoping import board_scope
from boards.kernel.uscc import make_uscc, uscc_check_char
from tests.factories import EnterpriseFactory

GOOD = make_uscc(random.Random("registry"), "150105")
BAD = GOOD[:17] + ("0" if GOOD[17] != "0" else "1")
DATA = {"name": "内蒙古华瑞稀土功能材料有限公司", "credit_code": GOOD, "prefecture": "包头市",
        "industry": "稀土功能材料", "registered_capital": Decimal("20000000")}


def _actions(board):
    return list(EvidenceEntry.objects.filter(board=board).order_by("id").values_list("action", flat=True))


def test_model_names_the_expected_check_character(in_board):
    enterprise = Enterprise(board=in_board, **{**DATA, "credit_code": BAD})
    with pytest.raises(ValidationError) as error:
        enterprise.full_clean()
    message = error.value.message_dict["credit_code"][0]
    assert f"第 18 位应为“{uscc_check_char(BAD[:17])}”，当前为“{BAD[17]}”" in message


def test_model_normalises_a_lowercase_code(in_board):
    enterprise = Enterprise(board=in_board, **{**DATA, "credit_code": GOOD.lower()})
    enterprise.full_clean()
    assert enterprise.credit_code == GOOD


@pytest.mark.parametrize("code,text", [("9115010512345", "应为 18 位，当前为 13 位"),
                                       ("91150105MA0O12345X", "第 12 位“O”不是合法字符")])
def test_other_wrong_codes_say_what_is_wrong(in_board, staff_user, code, text):
    with pytest.raises(ValidationError) as error:
        services.create_enterprise(in_board, data={**DATA, "credit_code": code}, actor=staff_user)
    assert text in error.value.message_dict["credit_code"][0]


def test_create_and_update_through_services_with_evidence(in_board, staff_user):
    with pytest.raises(ValidationError):
        services.create_enterprise(in_board, data={**DATA, "credit_code": BAD}, actor=staff_user)
    assert not Enterprise.objects.exists() and _actions(in_board) == []

    enterprise = services.create_enterprise(in_board, data=DATA, actor=staff_user)
    with pytest.raises(ValidationError) as error:  # the same code twice on one board
        services.create_enterprise(in_board, data={**DATA, "name": "另一家"}, actor=staff_user)
    assert "已经存在" in str(error.value)
    with pytest.raises(ValidationError) as error:
        services.update_enterprise(enterprise, data={"credit_code": BAD}, actor=staff_user)
    assert "校验位错误" in str(error.value)
    with pytest.raises(ValidationError) as error:
        services.update_enterprise(enterprise, data={"tier": "premium"}, actor=staff_user)
    assert "tier" in str(error.value)

    change = {"industry": "新材料科技", "listing_plan": True}
    services.update_enterprise(enterprise, data=change, actor=staff_user)
    enterprise.refresh_from_db()
    assert (enterprise.credit_code, enterprise.industry, enterprise.listing_plan) == (GOOD, *change.values())
    created, updated = EvidenceEntry.objects.filter(board=in_board).order_by("id")
    assert (created.action, created.actor, created.payload["credit_code"]) == (
        "boards.enterprise.created", staff_user, GOOD)
    assert updated.payload == {"changes": {"industry": ["稀土功能材料", "新材料科技"],
                                           "listing_plan": [False, True]}}


def test_record_services_validate_and_log(in_board, staff_user):
    enterprise = EnterpriseFactory(board=in_board)
    with pytest.raises(ValidationError) as error:
        services.add_qualification(enterprise, kind="high_tech", issued_on=datetime.date(2024, 1, 1),
                                   valid_until=datetime.date(2023, 1, 1), actor=staff_user)
    assert "早于取得日期" in str(error.value)
    with pytest.raises(ValidationError):
        services.add_qualification(enterprise, kind="unicorn", actor=staff_user)
    services.add_qualification(enterprise, kind="high_tech", issuer="科技厅",
                               issued_on=datetime.date(2024, 1, 1), valid_until=datetime.date(2026, 12, 31),
                               actor=staff_user)
    services.record_financials(enterprise, year=2024, revenue="1000", net_profit="10", actor=staff_user)
    services.record_financials(enterprise, year=2024, revenue="1200", net_profit="12", actor=staff_user)
    services.record_financing(enterprise, kind="equity", amount="5000000", investor_name="天山创投",
                              financing_round="A", occurred_on=datetime.date(2024, 6, 1), actor=staff_user)
    services.record_service(enterprise, kind="visit", occurred_on=datetime.date(2024, 7, 1),
                            summary="走访了解融资需求", actor=staff_user)
    assert Qualification.objects.filter(enterprise=enterprise).count() == 1
    assert FinancialYear.objects.get(enterprise=enterprise).revenue == Decimal("1200")
    assert enterprise.service_records.get().staff == staff_user
    entries = list(EvidenceEntry.objects.filter(board=in_board).order_by("id"))
    assert [e.action for e in entries] == [
        "boards.enterprise.qualification_added", "boards.enterprise.financials_recorded",
        "boards.enterprise.financials_recorded", "boards.enterprise.financing_recorded",
        "boards.enterprise.service_recorded"]
    corrected = entries[2].payload
    assert (corrected["before"]["revenue"], corrected["after"]["revenue"]) == ("1000.00", "1200.00")
    assert all(e.subject_id == str(enterprise.pk) and e.actor == staff_user for e in entries)


INLINES = ("qualifications", "financials", "financings", "service_records", "tier_changes")


def _admin_form(**fields):
    data = {"name": "", "credit_code": "", "prefecture": "", "industry": "", "going_concern": "on"}
    for prefix in INLINES:
        data.update({f"{prefix}-TOTAL_FORMS": "0", f"{prefix}-INITIAL_FORMS": "0"})
    data.update(fields)
    return data


def test_admin_add_refuses_a_wrong_code_and_saves_through_services(client, board, staff_user):
    client.force_login(staff_user)
    response = client.post("/admin/boards/enterprise/add/", _admin_form(**{**DATA, "credit_code": BAD}))
    assert response.status_code == 200
    assert f"第 18 位应为“{uscc_check_char(BAD[:17])}”" in response.content.decode()
    with board_scope(board):
        assert not Enterprise.objects.exists()

    response = client.post("/admin/boards/enterprise/add/", _admin_form(**DATA, **{
        "qualifications-TOTAL_FORMS": "1", "qualifications-0-kind": "tech_sme",
        "qualifications-0-issuer": "科技厅", "qualifications-0-issued_on": "2024-05-01"}))
    assert response.status_code == 302, response.content.decode()[:3000]
    with board_scope(board):
        enterprise = Enterprise.objects.get()
        assert (enterprise.credit_code, enterprise.board) == (GOOD, board)
        assert list(enterprise.qualifications.values_list("kind", flat=True)) == ["tech_sme"]
        assert _actions(board) == ["boards.enterprise.created", "boards.enterprise.qualification_added"]


def test_admin_is_for_the_current_board_only(client, board, other_board, other_staff_user):
    with board_scope(board):
        enterprise = EnterpriseFactory(board=board)
    client.force_login(other_staff_user)
    assert client.get(f"/admin/boards/enterprise/{enterprise.pk}/change/").status_code == 404
    response = client.get("/admin/boards/enterprise/")
    assert response.status_code == 200 and enterprise.name not in response.content.decode()


def test_admin_change_page_shows_records_and_links_the_profile(client, board, staff_user):
    with board_scope(board):
        enterprise = EnterpriseFactory(board=board, name="包头瑞达稀土功能材料有限公司")
        services.add_qualification(enterprise, kind="tech_sme", issuer="科技厅", actor=staff_user)
    client.force_login(staff_user)
    page = client.get(f"/admin/boards/enterprise/{enterprise.pk}/change/").content.decode()
    assert "企业资质" in page and "科技型中小企业" in page and "层级变动" in page
    listing = client.get("/admin/boards/enterprise/").content.decode()
    assert f"/{board.slug}/enterprises/{enterprise.pk}/" in listing and "导入 Excel" in listing
