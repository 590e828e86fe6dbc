"""Journey: a Xinjiang enterprise's user drafts an admission application, uploads its signed
form, submits, answers the exchange's supplement request and follows the status on its pages
while the bureau and the exchange act (through the services, between the clicks)."""

import pytest
from playwright.sync_api import expect

from boards.enterprises.models import Application
from boards.enterprises.services import admission
from boards.kernel.scoping import board_scope
from tests.support.admission import pdf_upload, world
from tests.support.e2e import PASSWORD, login, shot


def _pdf_file(tmp_path, name, title):
    path = tmp_path / name
    path.write_bytes(pdf_upload(name, title).read())
    return str(path)


@pytest.fixture
def xinjiang(committed_db, celery_eager):
    w = world("xj-zjtx")
    w.enterprise_user.set_password(PASSWORD)
    w.enterprise_user.save(update_fields=["password"])
    return w


@pytest.mark.browser
@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_enterprise_applies_and_follows_its_status(live_server, new_page, xinjiang, tmp_path):
    w = xinjiang
    mine = f"/{w.board.slug}/my/applications/"
    page = login(new_page(), live_server, w.enterprise_user.username, mine)
    expect(page.locator("h1")).to_have_text("我的入板申请")
    expect(page.locator("main")).to_contain_text("尚无入板申请。")

    page.select_option("#id_enterprise", label=w.enterprise.name)
    page.select_option("#id_campaign", label="2026年度入板申报")
    page.select_option("#id_requested_tier", value="standard")
    page.get_by_role("button", name="创建草稿").click()
    expect(page.locator(".messages")).to_contain_text("申请草稿已创建，请上传材料后提交。")
    expect(page.locator("#state")).to_have_text("草稿")
    expect(page.locator("main")).to_contain_text("尚未上传材料。")

    page.fill("#id_title", "入板申请表（盖章）")
    page.set_input_files("#id_file", _pdf_file(tmp_path, "入板申请表.pdf", "入板申请表"))
    page.get_by_role("button", name="上传").click()
    expect(page.locator(".messages")).to_contain_text("材料已上传。")
    expect(page.locator("#materials")).to_contain_text("入板申请表（盖章）")
    expect(page.locator("#materials")).to_contain_text("入板申请表.pdf")
    expect(page.get_by_role("button", name="提交申请")).to_be_disabled()  # the form comes first
    expect(page.locator("#form-missing")).to_contain_text("申报类别与依据")
    shot(page, "enterprise_application_draft_form_missing")

    # The 入板申请表: prefilled from the registry; a wrong phone is refused next to its field.
    page.locator("#open-form").click()
    expect(page.locator("#id_industry")).to_have_value(w.enterprise.industry)
    page.fill("#id_contact_phone", "12345")
    basis = "申报规范层：已获自治区专精特新中小企业认定，拥有发明专利 3 项。"
    page.fill("#id_basis", basis)
    for year, revenue, profit in ((2025, "8200000", "650000"), (2024, "6900000", "-120000")):
        page.fill(f"#id_revenue_{year}", revenue)
        page.fill(f"#id_net_profit_{year}", profit)
    page.get_by_role("button", name="保存申请表").click()
    phone = page.locator("p.field", has=page.locator("#id_contact_phone"))
    expect(phone.locator(".field-error")).to_contain_text("请填写 11 位手机号")
    expect(page.locator("#id_basis")).to_have_value(basis)
    shot(page, "enterprise_application_form_error")
    page.fill("#id_contact_phone", "0991-4567890")
    page.get_by_role("button", name="保存申请表").click()
    expect(page.locator(".messages")).to_contain_text("入板申请表已保存。")
    expect(page.locator("#form-complete")).to_be_visible()
    page.get_by_role("button", name="提交申请").click()
    expect(page.locator(".messages")).to_contain_text("申请已提交。")
    expect(page.locator("#state")).to_have_text("已提交地方主管部门")
    shot(page, "enterprise_application_submitted")

    # The bureau forwards the batch; the exchange starts its check and asks for a supplement.
    with board_scope(w.board):
        application = Application.objects.get(enterprise=w.enterprise)
        admission.forward_batch([application], prefecture=w.prefecture, actor=w.bureau)
        admission.start_check(application, actor=w.staff)
        admission.request_supplement(application, text="请补充2025年度审计报告。", actor=w.staff)

    page.goto(f"{live_server.url}{mine}")
    row = page.locator("#applications tbody tr", has_text=w.enterprise.name)
    expect(row).to_contain_text("退回补充材料（第 1 轮补充）")
    row.get_by_role("link", name=w.enterprise.name).click()
    expect(page.locator("#state")).to_have_text("退回补充材料")
    expect(page.locator("#supplement-request")).to_have_text("请补充2025年度审计报告。")
    expect(page.locator("main")).to_contain_text("补充材料要求（第 1 轮）")
    page.fill("#id_title", "2025年度审计报告")
    page.set_input_files("#id_file", _pdf_file(tmp_path, "审计报告.pdf", "2025年度审计报告"))
    page.get_by_role("button", name="上传").click()
    expect(page.locator("#materials li", has_text="2025年度审计报告")).to_contain_text("（第 1 轮补充）")
    page.get_by_role("button", name="提交补充材料").click()
    expect(page.locator(".messages")).to_contain_text("补充材料已提交，交易中心将继续初核。")
    expect(page.locator("#state")).to_have_text("交易中心初核中")

    # The exchange finds the enterprise eligible; the applicant's pages show the conclusion.
    with board_scope(w.board):
        admission.mark_eligible(Application.objects.get(pk=application.pk), actor=w.staff)
    page.goto(f"{live_server.url}{mine}")
    expect(row).to_contain_text("符合条件 · 规范层")
    shot(page, "enterprise_application_list")
    row.get_by_role("link", name=w.enterprise.name).click()
    expect(page.locator("#state")).to_have_text("符合条件")
    expect(page.locator("#check-result")).to_contain_text("符合入板条件，拟纳入规范层")
    expect(page.locator("main")).to_contain_text("专精特新中小企业")
    expect(page.get_by_role("button", name="上传")).to_have_count(0)  # no more uploads after the check
    shot(page, "enterprise_application_status")
