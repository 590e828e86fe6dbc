"""The expert portal: only the expert's own cases, across boards; every step; 404 for anything
else; the Word form; downloads logged."""

import io

import pytest
from docx import Document

from boards.kernel.models import EvidenceEntry, Role
from boards.kernel.scoping import board_scope
from reviews import services
from tests.factories import EnterpriseFactory, ExpertFactory, MembershipFactory, UserFactory
from tests.support.reviews import Flow, committee, form_data, pdf_upload, png_upload


def _url(seat, suffix=""):
    return f"/portal/{seat.board.slug}/seats/{seat.pk}/{suffix}"


@pytest.fixture
def case(flow, enterprise, experts):
    return flow.sent(enterprise)


@pytest.fixture
def seat(flow, case):
    return flow.seats(case)[0]


@pytest.fixture
def expert_client(client, seat):
    client.force_login(seat.expert.user)
    return client


def test_anonymous_is_sent_to_login(client, seat):
    for url in ("/portal/", _url(seat)):
        response = client.get(url)
        assert response.status_code == 302 and response.url.startswith("/accounts/login/")


def test_home_lists_own_cases_across_boards(expert_client, seat, other_board, django_assert_max_num_queries):
    with board_scope(other_board):
        ExpertFactory(board=other_board, user=seat.expert.user, name=seat.expert.name)
    committee(other_board, 4)
    with board_scope(other_board):
        other_enterprise = EnterpriseFactory(board=other_board, name="新疆硅基新材料有限公司")
    other_staff = UserFactory(username="xj-staff")
    MembershipFactory(user=other_staff, board=other_board, role=Role.EXCHANGE_STAFF)
    Flow(other_board, other_staff).sent(other_enterprise)
    with django_assert_max_num_queries(8):
        page = expert_client.get("/portal/").content.decode()
    assert "内蒙古稀土功能材料有限公司" in page and "新疆硅基新材料有限公司" in page
    # The cases were sent on START, long past: the receipt clocks show as overdue.
    assert page.count("确认收悉期限：已逾期") == 2


def test_an_expert_never_sees_a_case_they_are_not_on(client, flow, case, enterprise, board):
    outsider = committee(board, 1)[0]  # an expert of the board, not drawn (9th expert)
    client.force_login(outsider.user)
    assert "内蒙古稀土功能材料有限公司" not in client.get("/portal/").content.decode()
    for seat in flow.seats(case):
        for suffix in ("", "form.docx", f"materials/{case.pk}/"):
            assert client.get(_url(seat, suffix)).status_code == 404
        for suffix in ("receipt/", "supplement/", "decline/", "opinion/"):
            assert client.post(_url(seat, suffix), {"text": "x", "reason": "x"}).status_code == 404
    with board_scope(board):
        assert not EvidenceEntry.objects.filter(action="reviews.seat.received").exists()


def test_wrong_role_and_other_board_are_404(client, seat, board, other_board):
    staff = UserFactory(username="nmg-staff-2")
    MembershipFactory(user=staff, board=board, role=Role.EXCHANGE_STAFF)
    client.force_login(staff)
    assert client.get("/portal/").status_code == 404
    assert client.get(_url(seat)).status_code == 404
    # The expert's own seat under another board's slug.
    client.force_login(seat.expert.user)
    assert client.get(f"/portal/{other_board.slug}/seats/{seat.pk}/").status_code == 404
    assert client.get(f"/portal/no-such-board/seats/{seat.pk}/").status_code == 404


def test_a_declined_seat_disappears(expert_client, seat):
    response = expert_client.post(_url(seat, "decline/"), {"reason": "出差无法参加"})
    assert response.status_code == 302 and response.url == "/portal/"
    assert expert_client.get(_url(seat)).status_code == 404


def test_receipt_supplement_and_paused_clock(expert_client, seat, board, django_assert_max_num_queries):
    with django_assert_max_num_queries(20):
        page = expert_client.get(_url(seat)).content.decode()
    assert "确认收悉材料" in page and "企业申报材料" in page
    expert_client.post(_url(seat, "receipt/"))
    page = expert_client.get(_url(seat)).content.decode()
    assert "已确认收悉" in page and "评审期限" in page and "剩余" in page
    response = expert_client.post(_url(seat, "supplement/"), {"text": "请补充专利证书"})
    assert response.status_code == 302
    page = expert_client.get(_url(seat)).content.decode()
    assert "已暂停（等待补充材料" in page and "请补充专利证书" in page and "等待企业补充" in page


def test_a_refused_step_is_shown_on_the_same_page_with_the_input_kept(expert_client, seat):
    response = expert_client.post(_url(seat, "supplement/"), {"text": "请补充近三年审计报告"})
    assert response.status_code == 409
    page = response.content.decode()
    assert "下不能执行「request_supplement」" in page
    assert "请补充近三年审计报告</textarea>" in page


def test_form_save_word_and_submit(expert_client, seat, case, board):
    expert_client.post(_url(seat, "receipt/"))
    data = form_data(case, score=18)
    bad = expert_client.post(_url(seat, "opinion/"), {**data, "innovation": "99", "action": "save"})
    assert bad.status_code == 400 and "评审表填写有误" in bad.content.decode()
    assert expert_client.post(_url(seat, "opinion/"), {**data, "action": "save"}).status_code == 302
    response = expert_client.get(_url(seat, "form.docx"))
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    document = Document(io.BytesIO(response.content))
    cells = [cell.text for table in document.tables for row in table.rows for cell in row.cells]
    assert "创新型企业认定专家评审表" in document.paragraphs[0].text
    assert "技术创新性（满分 30 分）" in cells and "18" in cells and "82" in cells  # 18 × 4 + 10 (max)
    assert any("☑ 同意通过" in cell for cell in cells)
    missing = expert_client.post(_url(seat, "opinion/"), {**data, "action": "submit"})
    assert missing.status_code == 400 and "请上传签字后的评审表" in missing.content.decode()
    done = expert_client.post(_url(seat, "opinion/"),
                              {**data, "action": "submit", "signed_form": png_upload()})
    assert done.status_code == 302
    page = expert_client.get(_url(seat)).content.decode()
    assert "已提交意见" in page and "同意通过 · 总分 82" in page


def test_material_download_is_logged(expert_client, seat, case, board):
    with board_scope(board):
        material = case.materials.select_related("file").get()
    response = expert_client.get(_url(seat, f"materials/{material.pk}/"))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert b"".join(response.streaming_content).startswith(b"%PDF")
    with board_scope(board):
        entry = EvidenceEntry.objects.get(action="reviews.material.downloaded")
    assert entry.actor == seat.expert.user and entry.payload == {
        "seat": seat.pk, "material": material.pk, "sha256": material.file.sha256}


def test_post_only_steps_refuse_get(expert_client, seat):
    assert expert_client.get(_url(seat, "receipt/")).status_code == 405


def test_upload_of_a_wrong_type_is_refused_with_a_message(expert_client, seat, case):
    expert_client.post(_url(seat, "receipt/"))
    fake = pdf_upload("签字.exe")
    fake.file = io.BytesIO(b"MZ\x90\x00" + b"\x00" * 200)
    fake.size = 204
    response = expert_client.post(_url(seat, "opinion/"), {**form_data(case), "action": "submit",
                                                            "signed_form": fake})
    assert response.status_code == 400 and "不能上传" in response.content.decode()


# --- The expert's steps (reviews.steps.SEAT_STEPS): drawn when available, checked again on submit ---


def _drawn_steps(expert_client, seat):
    page = expert_client.get(_url(seat)).content.decode()
    return {name for name in ("confirm_receipt", "request_supplement", "decline")
            if f'id="step-{name}"' in page}


def test_the_page_offers_the_steps_available_now_with_what_confirming_does(expert_client, seat, case):
    page = expert_client.get(_url(seat)).content.decode()
    assert _drawn_steps(expert_client, seat) == {"confirm_receipt", "decline"}
    assert f"确认后将：确认已收到评审材料；自确认时起计算 {case.rules['review_days']} 日" in page
    assert "确认后将：退出本案评审组；交易中心将另行抽取专家替补" in page
    assert expert_client.post(_url(seat, "receipt/")).status_code == 302
    assert _drawn_steps(expert_client, seat) == {"request_supplement", "decline"}


def test_receipt_confirmed_in_another_tab_answers_409(expert_client, seat, board):
    assert "confirm_receipt" in _drawn_steps(expert_client, seat)
    with board_scope(board):
        services.confirm_receipt(seat, actor=seat.expert.user)  # the other tab
    response = expert_client.post(_url(seat, "receipt/"))
    page = response.content.decode()
    assert response.status_code == 409
    assert "不能执行「confirm_receipt」" in page and "可执行的操作: decline, request_supplement" in page


def test_a_supplement_asked_in_another_tab_answers_409_and_keeps_the_text(expert_client, seat, board):
    expert_client.post(_url(seat, "receipt/"))
    assert "request_supplement" in _drawn_steps(expert_client, seat)
    with board_scope(board):
        services.request_supplement(seat, text="请补充专利证书", actor=seat.expert.user)
    response = expert_client.post(_url(seat, "supplement/"), {"text": "请补充近三年审计报告"})
    page = response.content.decode()
    assert response.status_code == 409 and "不能执行「request_supplement」" in page
    assert "请补充近三年审计报告</textarea>" in page
    with board_scope(board):
        assert seat.supplements.count() == 1  # nothing half written


def test_declining_after_the_opinion_went_in_answers_409_keeping_the_reason(expert_client, seat, case, board):
    expert_client.post(_url(seat, "receipt/"))
    assert "decline" in _drawn_steps(expert_client, seat)
    with board_scope(board):
        services.submit_opinion(seat, data=form_data(case), signed_form=png_upload(), actor=seat.expert.user)
    response = expert_client.post(_url(seat, "decline/"), {"reason": "与企业存在关联关系"})
    page = response.content.decode()
    assert response.status_code == 409 and "不能执行「decline」" in page
    assert "与企业存在关联关系</textarea>" in page
    with board_scope(board):
        seat.refresh_from_db()
        assert seat.state == "submitted" and seat.closing_reason == ""


def test_an_opinion_submitted_in_another_tab_answers_409_keeping_the_form(expert_client, seat, case, board):
    expert_client.post(_url(seat, "receipt/"))
    page = expert_client.get(_url(seat)).content.decode()
    assert 'value="submit"' in page and "确认后将：提交评审表及签字扫描件，提交后不能再修改" in page
    with board_scope(board):
        services.submit_opinion(seat, data=form_data(case), signed_form=png_upload(), actor=seat.expert.user)
    data = form_data(case, score=18)
    response = expert_client.post(_url(seat, "opinion/"),
                                  {**data, "action": "submit", "signed_form": png_upload()})
    page = response.content.decode()
    assert response.status_code == 409 and "不能执行「submit_opinion」" in page
    assert 'value="18"' in page  # the form as typed
    with board_scope(board):
        seat.refresh_from_db()
        assert seat.state == "submitted" and seat.opinion.total_score != 18 * 4 + 10
