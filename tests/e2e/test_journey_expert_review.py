"""Journey: an expert of the Inner Mongolia committee works a premium review in the portal:
finds the task, reads the material, confirms receipt, fills the review form after the
meeting, downloads the Word form, uploads the signed scan and submits the opinion.
Set-up and the other experts' part run through the reviews services (tests/reviews helpers)."""

from pathlib import Path

import pytest
from docx import Document
from playwright.sync_api import expect

from boards.kernel.models import Role
from boards.kernel.scoping import board_scope
from reviews import services
from reviews.models import Opinion
from tests.factories import BoardFactory, EnterpriseFactory, ExpertFactory, MembershipFactory, UserFactory
from tests.support.e2e import demo_user, login, shot
from tests.support.reviews import Flow, form_data, pdf_upload, png_bytes

ENTERPRISE = "内蒙古稀土功能材料有限公司"


@pytest.fixture
def sent_case(committed_db, celery_eager):
    """A premium case with its panel of five drawn and the material sent."""
    board = BoardFactory(slug="nmg-kcb", name_zh="内蒙古科创板", filing_prefix="NMG-KCB")
    staff = UserFactory(username="nmg-kcb.staff", is_staff=True)
    MembershipFactory(user=staff, board=board, role=Role.EXCHANGE_STAFF)
    with board_scope(board):
        enterprise = EnterpriseFactory(board=board, name=ENTERPRISE)
        experts = [ExpertFactory(board=board, name="王专家", user=demo_user("nmg-kcb.expert"))]
        experts += [ExpertFactory(board=board, name=f"专家{i}", user=UserFactory(username=f"expert{i}"))
                    for i in range(1, 5)]
    flow = Flow(board, staff)
    case = flow.open(enterprise, "premium")
    with board_scope(board):
        services.add_material(case, title="企业申报材料", uploaded_file=pdf_upload(), actor=staff)
        services.draw_panel(case, actor=staff)
        services.send_material(case, actor=staff)
    return flow, case, experts[0]


@pytest.mark.browser
@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_expert_completes_a_review_in_the_portal(live_server, new_page, sent_case, tmp_path):
    flow, case, me = sent_case
    board = flow.board
    page = login(new_page(), live_server, "nmg-kcb.expert", "/portal/")
    expect(page.locator("h1")).to_have_text("我的评审任务")
    task = page.locator("ul.cards li", has_text=ENTERPRISE)
    expect(task).to_contain_text("内蒙古科创板")
    expect(task).to_contain_text("我的进度：材料已送达")
    expect(task).to_contain_text("确认收悉期限：")
    shot(page, "expert_portal_tasks")

    task.get_by_role("link", name=ENTERPRISE).click()
    expect(page.locator("h1")).to_have_text(ENTERPRISE)
    with page.expect_download() as material:
        page.get_by_role("link", name="企业申报材料").click()
    assert Path(material.value.path()).read_bytes().startswith(b"%PDF")
    page.get_by_role("button", name="确认收悉材料").click()
    expect(page.locator(".messages")).to_contain_text("已确认收悉材料，评审期限开始计算")
    expect(page.locator("[data-clock]")).to_contain_text("截止，剩余")

    # The other experts confirm; staff hold the meeting; four opinions are in.
    seat = next(s for s in flow.seats(case) if s.expert_id == me.pk)
    flow.others_meet_and_vote(case, seat, ["pass", "pass", "fail", "pass"], place="交易中心三楼会议室")

    page.reload()
    expect(page.locator("main")).to_contain_text("交易中心三楼会议室")
    for key, value in form_data(case, score=20).items():
        if key == "vote":
            page.check("input[name=vote][value=pass]")
        elif key == "opinion":
            page.fill("textarea[name=opinion]", "技术领先，产业化前景好，建议通过。")
        elif page.locator(f"select[name={key}]").count():
            page.select_option(f"select[name={key}]", value)
        else:
            page.fill(f"[name={key}]", value)
    page.get_by_role("button", name="保存评审表").click()
    with page.expect_download() as word:
        page.get_by_role("link", name="下载 Word 版评审表").click()
    assert word.value.suggested_filename.endswith(".docx")
    document = Document(word.value.path())
    cells = [cell.text for table in document.tables for row in table.rows for cell in row.cells]
    assert any(ENTERPRISE in text for text in [p.text for p in document.paragraphs] + cells)
    scan = tmp_path / "签字评审表.png"
    scan.write_bytes(png_bytes())
    page.set_input_files("#signed_form", str(scan))
    shot(page, "expert_review_form_filled")
    page.get_by_role("button", name="提交评审意见").click()

    expect(page.locator(".messages")).to_contain_text("评审意见已提交")
    expect(page.locator("#seat-state")).to_have_text("已提交意见")
    expect(page.locator("main")).to_contain_text("我的评审意见")
    expect(page.locator("main")).to_contain_text("同意通过 · 总分")
    expect(page.get_by_role("button", name="拒绝参加本次评审")).to_have_count(0)
    shot(page, "expert_review_submitted")
    with board_scope(board):
        opinion = Opinion.objects.get(seat=seat)
        assert opinion.vote == "pass" and opinion.signed_form_id and opinion.submitted_at
