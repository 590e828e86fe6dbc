"""End to end in headless Chromium: an expert works a premium review in the portal (receipt,
supplement with the clock paused, the form with its signed scan), staff decide and write the
feedback in the admin, and the enterprise reads it."""

import re
import time
from pathlib import Path

import pytest
from playwright.sync_api import expect

from boards.kernel.models import Role
from boards.kernel.scoping import board_scope
from reviews import services
from tests.factories import BoardFactory, EnterpriseFactory, ExpertFactory, MembershipFactory, UserFactory
from tests.support.reviews import Flow, form_data, pdf_upload, png_bytes

ARTIFACTS = Path(__file__).resolve().parent.parent / "e2e" / "artifacts"
PASSWORD = "demo-pass-123"


def _login(browser, live_server, username, next_url):
    context = browser.new_context(viewport={"width": 420, "height": 900}, locale="zh-CN")  # a phone
    page = context.new_page()
    page.goto(f"{live_server.url}/accounts/login/?next={next_url}")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    return page


@pytest.fixture
def scene(committed_db):
    board = BoardFactory(slug="nmg-kcb", name_zh="内蒙古科创板", filing_prefix="NMG-KCB")
    staff = UserFactory(username="staff", is_staff=True)
    MembershipFactory(user=staff, board=board, role=Role.EXCHANGE_STAFF)
    owner = UserFactory(username="enterprise")
    MembershipFactory(user=owner, board=board, role=Role.ENTERPRISE_USER)
    with board_scope(board):
        enterprise = EnterpriseFactory(board=board, name="内蒙古稀土功能材料有限公司")
        enterprise.users.add(owner)
        experts = [ExpertFactory(board=board, name=f"专家{i}", user=UserFactory(username=f"expert{i}"))
                   for i in range(5)]
    flow = Flow(board, staff)
    case = flow.open(enterprise, "premium")
    with board_scope(board):
        services.add_material(case, title="企业申报材料", uploaded_file=pdf_upload(), actor=staff)
        services.draw_panel(case, actor=staff)
        services.send_material(case, actor=staff)
    return flow, case, experts


@pytest.mark.browser
@pytest.mark.redis
@pytest.mark.django_db(transaction=True)
def test_expert_staff_and_enterprise_in_the_browser(live_server, browser, real_worker, scene, tmp_path):
    flow, case, experts = scene
    board, me = flow.board, experts[0]
    seat = next(s for s in flow.seats(case) if s.expert_id == me.pk)

    page = _login(browser, live_server, "expert0", "/portal/")
    page.click("text=内蒙古稀土功能材料有限公司")
    page.click("text=确认收悉材料")
    expect(page.locator(".messages")).to_contain_text("已确认收悉材料，评审期限开始计算")
    page.fill("textarea[name=text]", "请补充近三年审计报告")
    page.click("text=提交补充材料申请")
    expect(page.locator("[data-clock]")).to_contain_text("已暂停（等待补充材料")
    expect(page.locator("#seat-state")).to_have_text("待补充材料")

    # Staff pass the supplement on; the other experts confirm; the meeting is held.
    with board_scope(board):
        services.provide_supplement(seat.supplements.get(), actor=flow.staff, title="审计报告",
                                    uploaded_file=pdf_upload("审计报告.pdf"))
    flow.others_meet_and_vote(case, seat, ["pass", "pass", "fail", "fail"], place="交易中心", days=4)

    page.reload()
    for key, value in form_data(case, score=20).items():
        if key == "vote":
            page.check("input[name=vote][value=pass]")
        elif key == "opinion":
            page.fill(f"textarea[name={key}]", "技术领先，建议通过。")
        else:
            page.fill(f"input[name={key}]", value)
    page.click("button[value=save]")
    with page.expect_download() as download:
        page.click("text=下载 Word 版评审表")
    assert download.value.suggested_filename.endswith(".docx")
    scan = tmp_path / "signed.png"
    scan.write_bytes(png_bytes())
    page.set_input_files("#signed_form", str(scan))
    page.click("button[value=submit]")
    expect(page.locator(".messages")).to_contain_text("评审意见已提交")
    expect(page.locator("#seat-state")).to_have_text("已提交意见")

    admin = _login(browser, live_server, "staff", f"/admin/reviews/reviewcase/{case.pk}/change/")
    admin.click("text=作出结论")
    admin.click("input[type=submit]")
    expect(admin.locator(".messagelist")).to_contain_text("评审结论已记录")
    admin.click("text=书面反馈企业")
    admin.fill("textarea[name=text]", "经专家委员会评审，贵企业通过优选层评审。\n建议进一步规范内控。")
    admin.click("input[type=submit]")
    expect(admin.locator(".messagelist")).to_contain_text("书面反馈已发送企业")

    owner = _login(browser, live_server, "enterprise", f"/{board.slug}/reviews/{case.pk}/")
    owner.wait_for_load_state()
    deadline = time.monotonic() + 60
    while "下载反馈函（PDF）" not in owner.content():  # the letter is rendered by the worker
        assert time.monotonic() < deadline, "the feedback letter was not rendered within 60 s"
        time.sleep(0.5)
        owner.reload()
        owner.wait_for_load_state()
    text = owner.locator("#feedback").inner_text()
    assert "评审结论：通过" in text and "同意 3 票，不同意 2 票" in text and "建议进一步规范内控" in text
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    owner.screenshot(path=str(ARTIFACTS / "reviews_enterprise_feedback.png"), full_page=True)
    with owner.expect_download() as letter:
        owner.click("text=下载反馈函（PDF）")
    assert re.search(r"\.pdf$", letter.value.suggested_filename)
