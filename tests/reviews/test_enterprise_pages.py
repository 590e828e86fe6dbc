"""The enterprise's own view of its reviews: the feedback once sent, and 404 for anyone else."""

import pytest

from boards.kernel.models import Role
from boards.kernel.scoping import board_scope
from reviews import services
from tests.factories import EnterpriseFactory, MembershipFactory, UserFactory


@pytest.fixture
def decided(board, flow, enterprise, experts):
    case = flow.vote(flow.received(enterprise), ["pass", "pass", "pass", "fail", "abstain"])
    return case


def test_the_enterprise_sees_feedback_only_once_sent(client, board, flow, decided, enterprise_user,
                                                     django_assert_max_num_queries):
    client.force_login(enterprise_user)
    with django_assert_max_num_queries(8):
        listing = client.get(f"/{board.slug}/reviews/").content.decode()
    assert "创新型企业认定" in listing and "已作出结论" in listing
    page = client.get(f"/{board.slug}/reviews/{decided.pk}/").content.decode()
    assert "评审结束后，交易中心将在此向贵企业书面反馈" in page and "评审结论" not in page
    with board_scope(board):
        services.send_feedback(decided, text="经评审，认定为创新型企业。", actor=flow.staff)
        services.render_feedback_letter(decided)
    with django_assert_max_num_queries(8):
        page = client.get(f"/{board.slug}/reviews/{decided.pk}/").content.decode()
    assert "评审结论：通过" in page and "同意 3 票，不同意 1 票，弃权 1 票" in page
    assert "经评审，认定为创新型企业。" in page and "下载反馈函（PDF）" in page
    letter = client.get(f"/{board.slug}/reviews/{decided.pk}/feedback.pdf")
    assert letter.status_code == 200 and b"".join(letter.streaming_content).startswith(b"%PDF")


def test_other_enterprises_roles_and_boards_get_404(client, board, other_board, decided, enterprise_user):
    other_user = UserFactory(username="other-ent")
    MembershipFactory(user=other_user, board=board, role=Role.ENTERPRISE_USER)
    with board_scope(board):
        EnterpriseFactory(board=board, name="别家企业").users.add(other_user)
    staff = UserFactory(username="no-ent-role")
    MembershipFactory(user=staff, board=board, role=Role.EXPERT)
    urls = [f"/{board.slug}/reviews/{decided.pk}/", f"/{board.slug}/reviews/{decided.pk}/feedback.pdf"]
    client.force_login(other_user)
    for url in urls:
        assert client.get(url).status_code == 404
    assert "创新型企业认定" not in client.get(f"/{board.slug}/reviews/").content.decode()
    client.force_login(staff)
    for url in urls + [f"/{board.slug}/reviews/"]:
        assert client.get(url).status_code == 404
    client.force_login(enterprise_user)
    for url in (f"/{other_board.slug}/reviews/{decided.pk}/", f"/{other_board.slug}/reviews/"):
        assert client.get(url).status_code == 404
    assert client.get(urls[1]).status_code == 404  # no letter yet
