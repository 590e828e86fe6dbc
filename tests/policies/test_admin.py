"""Admin: staff edit the catalogue and record the targets' actuals through the services (so each
change is evidenced); awards, claims, the ledger and the reports are read-only there."""

import json

import pytest

from boards.kernel.models import EvidenceEntry
from boards.kernel.scoping import board_scope
from policies import ordos
from policies.models import Policy, ProgrammeTarget, QuarterlyReport, TargetActual
from tests.support.policies import first_listing_policy

POLICY_FORM = {
    "code": "nmg-benchmark", "title": "科技标杆企业认定奖补", "summary": "对自治区科技标杆企业给予财政奖补。",
    "source_document": "内蒙古自治区关于加强财政金融协同服务科技“突围”工程的意见",
    "document_number": "内党金办发〔2025〕15号", "source_clause": "一、（一）",
    "issuing_bodies": '["科技厅"]', "responsible_units": "[]", "payer": "kjt", "valid_from": "2025-03-26",
    "beneficiary": "enterprise", "benefit_kind": "unspecified", "recurrence": "one_time", "formula": "{}",
    "parameters": "{}", "is_active": "on",
}


@pytest.fixture
def staff_client(client, staff_user):
    client.force_login(staff_user)
    return client


def test_staff_add_a_policy_and_a_malformed_one_is_explained(staff_client, nmg):
    conditions = [{"type": "first_qualification", "kinds": ["tech_benchmark"], "within_years": 1}]
    url = "/admin/policies/policy/add/"
    bad = staff_client.post(url, {**POLICY_FORM, "conditions": '[{"type": "tier"}]'})
    assert bad.status_code == 200 and "tiers 必须是本专板层级代码的非空列表" in bad.content.decode()
    added = staff_client.post(url, {**POLICY_FORM, "conditions": json.dumps(conditions)})
    assert added.status_code == 302
    with board_scope(nmg):
        policy = Policy.objects.get(code="nmg-benchmark")
        assert policy.conditions == conditions and policy.board == nmg
        assert EvidenceEntry.objects.get(action="policies.policy.saved").subject_id == str(policy.pk)


def test_actuals_are_recorded_through_the_service(staff_client, board, other_board, staff_user):
    with board_scope(board):
        target = ProgrammeTarget.objects.create(board=board, code="products", title="金融服务项目",
                                                kind="yearly_min", threshold=3, unit="项", first_year=2022,
                                                last_year=2025, source="方案")
    added = staff_client.post("/admin/policies/targetactual/add/",
                              {"target": target.pk, "year": 2024, "value": "5", "note": "人才贷、人才保等"})
    assert added.status_code == 302
    with board_scope(board):
        actual = TargetActual.objects.get()
        assert (actual.value, actual.recorded_by) == (5, staff_user)
        assert EvidenceEntry.objects.filter(action="policies.target.actual_recorded").count() == 1
    with board_scope(other_board):
        theirs = ProgrammeTarget.objects.create(board=other_board, code="x", title="x", kind="yearly_min",
                                                threshold=1, unit="项", first_year=2022, last_year=2025,
                                                source="x")
        foreign = TargetActual.objects.create(board=other_board, target=theirs, year=2022, value=1)
    assert staff_client.get(f"/admin/policies/targetactual/{foreign.pk}/change/").status_code == 404


def test_workflow_records_are_read_only(staff_client, nmg, ledger, staff_user):
    first_listing_policy(nmg)
    with board_scope(nmg):
        ordos.open_quarter_reports(nmg, 2026, 3)
        report = QuarterlyReport.objects.first()
    for model in ("award", "guaranteeclaim", "guaranteeyear", "ledgertask", "quarterlyreport"):
        assert staff_client.get(f"/admin/policies/{model}/").status_code == 200
        assert staff_client.get(f"/admin/policies/{model}/add/").status_code == 403
    page = staff_client.get(f"/admin/policies/quarterlyreport/{report.pk}/change/")
    assert page.status_code == 200 and "进展情况" in page.content.decode()
    assert "奖补办理页面" in staff_client.get("/admin/policies/award/").content.decode()
