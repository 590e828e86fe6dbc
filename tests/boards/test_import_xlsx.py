"""XLSX import: a dry run lists every row's errors; a commit is all-or-nothing."""

import io

import pytest
from openpyxl import load_workbook

from boards.enterprises.models import Enterprise, FinancialYear, Qualification
from boards.enterprises.services.imports import import_xlsx
from boards.kernel.errors import DomainError
from boards.kernel.models import EvidenceEntry
from boards.kernel.scoping import board_scope
from boards.kernel.uscc import uscc_check_char
from tests.factories import EnterpriseFactory, MembershipFactory, UserFactory
from tests.support.xlsx import CODES, ENTERPRISE_HEADERS, RUIFENG, TIANCHI, clean_enterprises, xlsx

WRONG = CODES[3][:17] + ("0" if CODES[3][17] != "0" else "1")
IMPORT_URL = "/admin/boards/enterprise/import/"


def bad_enterprises():
    return xlsx(ENTERPRISE_HEADERS,
                [*TIANCHI, "5000000", "2015-04-01", "是"],
                [WRONG, "新疆博达光伏科技有限公司", "哈密市", "光伏科技", "8000000", "2016-05-01", "否"],
                [CODES[1], None, "昌吉回族自治州", "硅基新材料", "1000000", "2018-01-01", "否"],
                [*RUIFENG, "十万", "2019-13-01", "也许"])


def test_bad_rows_save_nothing_and_each_error_is_named(in_board, staff_user):
    for dry_run in (True, False):
        report = import_xlsx(in_board, "enterprises", bad_enterprises(), staff_user, dry_run=dry_run)
        assert not report.saved
        errors = {(e.row, e.column): e.message for e in report.errors}
        expected_check = uscc_check_char(WRONG[:17])
        assert f"第 18 位应为“{expected_check}”" in errors[(3, "统一社会信用代码")]
        assert "校验位错误" in errors[(3, "统一社会信用代码")]
        assert errors[(4, "企业名称")] == "此字段不能为空。"
        assert errors[(5, "注册资本（元）")] == "“十万”不是数字，请填写阿拉伯数字（金额以元为单位）"
        assert errors[(5, "成立日期")] == "“2019-13-01”不是有效日期，请填写如 2024-03-01"
        assert errors[(5, "具备上市潜力或明确上市规划")] == "“也许”无法识别，请填写“是”或“否”"
        assert 2 not in {e.row for e in report.errors}
        assert Enterprise.objects.count() == 0  # not even the good row 2
    assert not EvidenceEntry.objects.filter(action="boards.import.committed").exists()


def test_clean_file_dry_run_then_commit_saves_every_row(in_board, staff_user):
    preview = import_xlsx(in_board, "enterprises", clean_enterprises(), staff_user)
    assert (preview.errors, preview.rows, preview.new, preview.saved) == ([], 4, 4, False)
    assert Enterprise.objects.count() == 0

    report = import_xlsx(in_board, "enterprises", clean_enterprises(), staff_user, dry_run=False)
    assert (report.errors, report.new, report.updated, report.saved) == ([], 4, 0, True)
    saved = {e.credit_code: e for e in Enterprise.objects.all()}
    assert set(saved) == set(CODES)
    assert str(saved[CODES[0]].registered_capital) == "5000000.00" and saved[CODES[0]].listing_plan is True
    assert str(saved[CODES[1]].registered_capital) == "1000000.50" and saved[CODES[1]].founded_on is None
    assert saved[CODES[2]].founded_on.isoformat() == "2019-03-08"
    assert all(e.board_id == in_board.pk and e.status == "prospect" for e in saved.values())
    entry = EvidenceEntry.objects.get(action="boards.import.committed")
    assert entry.actor == staff_user and entry.payload["new"] == 4 and entry.payload["kind"] == "enterprises"

    again = import_xlsx(in_board, "enterprises", clean_enterprises(), staff_user, dry_run=False)
    assert (again.new, again.updated, Enterprise.objects.count()) == (0, 4, 4)


def test_qualifications_and_financials_by_credit_code(in_board, other_board, staff_user):
    enterprise = EnterpriseFactory(board=in_board, credit_code=CODES[0])
    with board_scope(other_board):
        EnterpriseFactory(board=other_board, credit_code=CODES[1])  # same code elsewhere is invisible
    qualification_headers = ["统一社会信用代码", "资质类型", "认定/出具单位", "取得日期", "有效期至",
                             "融资轮次"]
    bad = xlsx(qualification_headers,
               [CODES[1], "高新技术企业", "科技厅", "2023-01-01", "2025-12-31", None],
               [CODES[0], "独角兽", "科技厅", "2023-01-01", None, None],
               [CODES[0], "pevc_investment", "天山创投", "2024-01-01", None, "Z轮"])
    report = import_xlsx(in_board, "qualifications", bad, staff_user, dry_run=False)
    errors = {(e.row, e.column): e.message for e in report.errors}
    unknown = f"本专板没有统一社会信用代码为 {CODES[1]} 的企业，请先导入该企业"
    assert errors[(2, "统一社会信用代码")] == unknown
    assert errors[(3, "资质类型")].startswith("“独角兽”不是可选值，可选：创新型中小企业、")
    assert errors[(4, "融资轮次")].startswith("“Z轮”不是可选值")
    assert not Qualification.objects.exists()

    good = xlsx(qualification_headers,
                [CODES[0], "高新技术企业", "科技厅", "2023-01-01", "2025-12-31", None],
                [CODES[0].lower(), "私募股权/创业投资基金投资", "天山创投", "2024-01-01", None, "A轮"])
    assert import_xlsx(in_board, "qualifications", good, staff_user, dry_run=False).saved
    assert sorted(enterprise.qualifications.values_list("kind", "financing_round")) == [
        ("high_tech", ""), ("pevc_investment", "A")]

    financial_headers = ["统一社会信用代码", "年度", "营业收入（元）", "净利润（元）", "研发费用（元）"]
    bad = xlsx(financial_headers, [CODES[0], "2024年", "12000000", "1.5亿", None],
               [CODES[0], 2023, "12000000.123", "100", None])
    errors = {(e.row, e.column): e.message
              for e in import_xlsx(in_board, "financials", bad, staff_user, dry_run=False).errors}
    assert errors[(2, "年度")] == "“2024年”不是数字，请填写阿拉伯数字"
    assert errors[(2, "净利润（元）")].startswith("“1.5亿”不是数字")
    assert "2" in errors[(3, "营业收入（元）")] and "小数" in errors[(3, "营业收入（元）")]
    assert not FinancialYear.objects.exists()

    good = xlsx(financial_headers, [CODES[0], 2024, 120000000, "20000000", "6000000"],
                [CODES[0], 2023, 90000000, "-1500000", None])
    assert import_xlsx(in_board, "financials", good, staff_user, dry_run=False).saved
    fix = xlsx(financial_headers, [CODES[0], 2024, 125000000, "21000000", None])
    report = import_xlsx(in_board, "financials", fix, staff_user, dry_run=False)
    assert (report.new, report.updated) == (0, 1)
    latest = enterprise.financials.get(year=2024)
    assert (str(latest.revenue), str(latest.rd_expense)) == ("125000000.00", "6000000.00")  # blank cell kept
    assert str(enterprise.financials.get(year=2023).net_profit) == "-1500000.00"


def test_missing_column_and_wrong_file_are_refused(in_board, staff_user):
    only_keys = xlsx(["统一社会信用代码", "年度"], [CODES[0], 2024])
    report = import_xlsx(in_board, "financials", only_keys, staff_user)
    assert {(e.row, e.column, e.message) for e in report.errors} == {
        (1, "营业收入（元）", "缺少此列"), (1, "净利润（元）", "缺少此列")}
    not_excel = io.BytesIO(b"%PDF-1.4 not a workbook")
    with pytest.raises(DomainError) as error:
        import_xlsx(in_board, "enterprises", not_excel, staff_user)
    assert "请上传 Excel 工作簿" in error.value.message
    with pytest.raises(DomainError):
        import_xlsx(in_board, "people", clean_enterprises(), staff_user)


def test_export_columns_round_trip(in_board, staff_user):
    from boards.enterprises.services.imports import EnterpriseResource

    import_xlsx(in_board, "enterprises", clean_enterprises(), staff_user, dry_run=False)
    exported = EnterpriseResource(in_board).export(queryset=Enterprise.objects.all())
    book = load_workbook(io.BytesIO(exported.export("xlsx")))
    header = [cell.value for cell in next(book.active.iter_rows(max_row=1))]
    assert header[:6] == ["统一社会信用代码", "企业名称", "所在地州市", "所属行业", "成立日期",
                          "注册资本（元）"]
    assert header[-2:] == ["状态", "所在层级"]
    # The exported file imports back as updates of the same rows.
    report = import_xlsx(in_board, "enterprises", io.BytesIO(exported.export("xlsx")), staff_user,
                         dry_run=False)
    assert (report.errors, report.updated, report.new) == ([], 4, 0)


def _upload(client, capture, data):
    """Upload, let the queued job run (the task inline), and open the job's page."""
    with capture(execute=True):
        response = client.post(IMPORT_URL, data)
    assert response.status_code == 302, response.content.decode()[-500:]
    return client.get(response["Location"])


def test_admin_preview_lists_errors_then_commits_the_stored_file(
        client, board, staff_user, other_staff_user, celery_eager, django_capture_on_commit_callbacks):
    client.force_login(staff_user)
    page = client.get(IMPORT_URL)
    assert page.status_code == 200 and "预检（不保存）" in page.content.decode()

    response = _upload(client, django_capture_on_commit_callbacks,
                       {"kind": "enterprises", "file": bad_enterprises()})
    body = response.content.decode()
    assert response.status_code == 200 and "未保存任何数据" in body
    assert "第 3 行" in body and "校验位错误" in body and "第 4 行" in body and "确认导入" not in body

    response = _upload(client, django_capture_on_commit_callbacks,
                       {"kind": "enterprises", "file": clean_enterprises()})
    job = response.context["job"]
    assert "预检通过：共 4 行" in response.content.decode() and job.rows_read == 4
    with board_scope(board):
        assert not Enterprise.objects.exists()

    job_url = f"{IMPORT_URL}{job.pk}/"
    client.force_login(other_staff_user)  # another board's staff cannot commit this board's file
    assert client.post(job_url).status_code == 404

    client.force_login(staff_user)
    assert client.post(f"{IMPORT_URL}999999/").status_code == 404
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(job_url)
    assert response.status_code == 302
    response = client.get(response["Location"])
    assert response.status_code == 302  # the saved job goes back to the list with a message
    with board_scope(board):
        assert Enterprise.objects.count() == 4
        entry = EvidenceEntry.objects.get(action="boards.import.committed")
        assert entry.payload["sha256"] == job.file.sha256


def test_admin_refuses_a_file_that_is_not_excel(client, board, staff_user):
    client.force_login(staff_user)
    fake = io.BytesIO(b"not a workbook at all")
    fake.name = "名单.xlsx"
    response = client.post(IMPORT_URL, {"kind": "enterprises", "file": fake})
    assert response.status_code == 400 and "不能上传" in response.content.decode()


def test_admin_lists_export_xlsx(client, board, staff_user):
    with board_scope(board):
        EnterpriseFactory(board=board, name="导出测试企业")
    client.force_login(staff_user)
    for model in ("enterprise", "qualification", "financialyear", "financingevent", "servicerecord",
                  "tierchange", "retierrun", "retierproposal"):
        response = client.post(f"/admin/boards/{model}/export/", {"format": "0"})
        assert response.status_code == 200, model
        assert response["Content-Type"].startswith("application/vnd.openxmlformats"), model
    exported = client.post("/admin/boards/enterprise/export/", {"format": "0"}).content
    sheet = load_workbook(io.BytesIO(exported))
    assert "导出测试企业" in [cell.value for cell in sheet.active["B"]]


def test_admin_import_needs_a_staff_role_on_the_board(client, board):
    user = UserFactory(username="enterprise-admin", is_staff=True)  # staff flag, but no staff role
    MembershipFactory(user=user, board=board, role="enterprise_user")
    client.force_login(user)
    assert client.get(IMPORT_URL).status_code == 302  # back to the admin index
    response = client.post(IMPORT_URL, {"kind": "enterprises", "file": clean_enterprises()})
    assert response.status_code == 302
    with board_scope(board):
        assert not Enterprise.objects.exists()


def test_admin_enterprise_list_queries_do_not_grow(client, board, staff_user, django_assert_max_num_queries):
    with board_scope(board):
        for _ in range(30):
            EnterpriseFactory(board=board, tier="basic")
    client.force_login(staff_user)
    client.get("/admin/boards/enterprise/")
    with django_assert_max_num_queries(20):
        assert client.get("/admin/boards/enterprise/").status_code == 200
    with django_assert_max_num_queries(20):
        assert client.post("/admin/boards/enterprise/export/", {"format": "0"}).status_code == 200
