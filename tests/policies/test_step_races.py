"""A step that became unavailable between drawing the page (or reading the API) and submitting
it answers 409 with the steps available now, on the award desk and in the API, and changes
nothing: availability is checked again on the locked row (boards.kernel.steps)."""

import pytest
from django.test import Client
from rest_framework.test import APIClient

from boards.kernel.models import EvidenceEntry
from boards.kernel.scoping import board_scope
from policies import services
from policies.models import Award
from tests.support.policies import LISTED, enterprise, first_listing_policy

pytestmark = pytest.mark.django_db


@pytest.fixture
def award(nmg):
    policy = first_listing_policy(nmg)
    company = enterprise(nmg, "内蒙古稀土功能材料有限公司", **LISTED)
    with board_scope(nmg):
        return services.apply_for_award(company, policy, actor=None)


def _verified_elsewhere(board, award, staff):
    with board_scope(board):
        services.verify_award(Award.objects.get(pk=award.pk), actor=staff)


def _verifications(board, award):
    with board_scope(board):
        return EvidenceEntry.objects.filter(subject_id=str(award.pk), action__contains="verif").count()


def test_the_award_desk_answers_409_with_the_steps_available_now(nmg, award, staff_user,
                                                                   django_assert_max_num_queries):
    client = Client()
    client.force_login(staff_user)
    desk = client.get(f"/{nmg.slug}/policies/awards/").content.decode()
    assert "<button>核验</button>" in desk  # drawn while verify is available
    _verified_elsewhere(nmg, award, staff_user)
    with django_assert_max_num_queries(20):
        late = client.post(f"/{nmg.slug}/policies/awards/{award.pk}/verify/")
    page = late.content.decode()
    assert late.status_code == 409 and "不能执行「verify」" in page
    assert "可执行的操作: approve, reject" in page
    assert "<button>批准</button>" in page  # the desk offers what is available now
    with board_scope(nmg):
        assert Award.objects.get(pk=award.pk).state == "verified"
    assert _verifications(nmg, award) == 1


def test_the_api_answers_409_with_the_steps_available_now(nmg, award, staff_user,
                                                            django_assert_max_num_queries):
    api = APIClient()
    api.force_authenticate(staff_user)
    url = f"/api/v1/{nmg.slug}/policies/awards/"
    read = api.get(url).json()["results"][0]
    assert read["allowed_steps"] == ["reject", "verify"]
    _verified_elsewhere(nmg, award, staff_user)
    with django_assert_max_num_queries(20):
        late = api.post(f"{url}{award.pk}/verify/", {}, format="json")
    assert late.status_code == 409
    error = late.json()["error"]
    assert error["code"] == "illegal_transition" and error["details"]["allowed"] == ["approve", "reject"]
    assert error["details"]["labels"] == {"approve": "批准", "reject": "驳回"}
    assert _verifications(nmg, award) == 1


def test_a_step_is_404_to_another_board_and_to_a_caller_without_the_role(nmg, award, other_staff_user):
    api = APIClient()
    api.force_authenticate(other_staff_user)
    url = f"/api/v1/{nmg.slug}/policies/awards/{award.pk}/verify/"
    assert api.post(url, {}, format="json").status_code == 404
    client = Client()
    client.force_login(other_staff_user)
    assert client.post(f"/{nmg.slug}/policies/awards/{award.pk}/verify/").status_code == 404
