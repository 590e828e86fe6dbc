"""After the decision: the feedback letter to the enterprise, the filings with the regulators
(real WeasyPrint PDFs read back with pypdf), archiving."""

import io

import pytest
from pypdf import PdfReader

from boards.kernel.errors import DomainError, IllegalTransition
from boards.kernel.filings import render_filing_now
from boards.kernel.models import EvidenceEntry, Filing, Notification
from boards.kernel.scoping import board_scope
from reviews import services
from tests.support.reviews import committee


def _text(field_file):
    with field_file.open("rb") as handle:
        reader = PdfReader(io.BytesIO(handle.read()))
    # Chinese lines wrap anywhere: join them back.
    return "".join(page.extract_text() for page in reader.pages).replace("\n", "")


@pytest.fixture
def decided_listing(board, flow, enterprise):
    committee(board, 6)
    committee(board, 1, field="listing")
    case = flow.vote(flow.met(enterprise, "listing_reserve"), ["pass"] * 4 + ["fail"])
    with board_scope(board):
        services.decide_case(case, actor=flow.staff)
    return flow.reload(case)


def test_feedback_reaches_the_enterprise_with_its_letter(board, flow, enterprise_user, decided_listing,
                                                         django_capture_on_commit_callbacks):
    case = decided_listing
    with board_scope(board), django_capture_on_commit_callbacks() as callbacks:
        services.send_feedback(case, text="经评审，贵企业具备在北交所上市的可能性。\n建议完善内控制度。",
                               actor=flow.staff)
    # Queued after commit: the letter's rendering and the enterprise user's email.
    assert len(callbacks) == 2 and flow.reload(case).feedback_letter_id is None
    with board_scope(board):
        services.render_feedback_letter(case)
        case = flow.reload(case)
        note = Notification.objects.get(user=enterprise_user, verb="reviews.feedback")
        assert note.url == f"/{board.slug}/reviews/{case.pk}/" and "北交所" in note.body
        assert EvidenceEntry.objects.get(action="reviews.feedback.rendered").payload["sha256"] == \
            case.feedback_letter.sha256
        text = _text(case.feedback_letter.file)
    assert case.state == "feedback_sent"
    for expected in ("上市企业后备库评审结果反馈函", "内蒙古稀土功能材料有限公司", "评审结论为：通过",
                     "同意 4 票，不同意 1 票", "建议完善内控制度", f"NMG-KCB-REV-{case.pk}", "内蒙古科创板"):
        assert expected in text, expected
    with board_scope(board):
        assert services.render_feedback_letter(case) == case.feedback_letter  # a retried task renders once


def test_feedback_needs_text(board, flow, decided_listing):
    with board_scope(board), pytest.raises(DomainError, match="请填写给企业的书面反馈意见"):
        services.send_feedback(decided_listing, text="  ", actor=flow.staff)


def test_listing_reserve_is_filed_with_both_regulators(board, flow, decided_listing):
    with board_scope(board):
        services.send_feedback(decided_listing, text="评审通过。", actor=flow.staff)
        filings = services.file_case(decided_listing, actor=flow.staff)
        assert [f.addressee for f in filings] == ["jrb", "kjt"]
        assert {f.kind for f in filings} == {"reviews.result"}
        rendered = [render_filing_now(f.pk) for f in filings]
        texts = [_text(f.file) for f in rendered]
        assert flow.reload(decided_listing).state == "filed"
    for filing, text, regulator in zip(rendered, texts, ["金融办", "科技厅"], strict=True):
        assert filing.state == "rendered"
        for expected in (filing.number, regulator, "上市企业后备库评审结果报备：内蒙古稀土功能材料有限公司",
                         "评审结论为：通过", "自治区科技厅 王处长",
                         "《自治区上市企业后备库专家评审表》已归档备查"):
            assert expected in text, (expected, regulator)
    with board_scope(board):
        services.archive_case(decided_listing, actor=flow.staff)
        assert flow.reload(decided_listing).archived_at is not None


def test_innovation_is_archived_without_filing(board, flow, enterprise, experts):
    case = flow.vote(flow.received(enterprise), ["pass"] * 5)
    with board_scope(board):
        services.send_feedback(case, text="认定为创新型企业。", actor=flow.staff)
        with pytest.raises(IllegalTransition) as error:
            services.file_case(case, actor=flow.staff)
        assert error.value.details["allowed"] == ["archive"]
        services.archive_case(case, actor=flow.staff)
        assert flow.reload(case).state == "archived" and not Filing.objects.exists()


def test_premium_cannot_be_archived_before_filing(board, flow, enterprise):
    committee(board, 5)
    case = flow.vote(flow.met(enterprise, "premium"), ["fail"] * 5)
    with board_scope(board):
        services.decide_case(case, actor=flow.staff)
        services.send_feedback(case, text="暂未通过。", actor=flow.staff)
        with pytest.raises(IllegalTransition) as error:
            services.archive_case(case, actor=flow.staff)
        assert error.value.details["allowed"] == ["file_with_regulators"]
        assert [f.addressee for f in services.file_case(case, actor=flow.staff)] == ["kjt"]
