"""The pipeline page, a path's page and its steps, and the admin changelist grouped by stage: for
staff, bureaus and regulators of the board; the serving firm takes the stage steps on its paths;
another board's staff, a firm that does not serve the path and a role without the page get 404;
a wrong date stays next to its field with the input kept."""

import datetime as dt

import pytest

from boards.kernel.models import EvidenceEntry
from boards.kernel.scoping import board_scope
from cultivation.models import ListingPath
from cultivation.services import listing

pytestmark = pytest.mark.django_db
D = dt.date


@pytest.fixture
def paths(world):
    w = world
    with board_scope(w.board):
        w.path = listing.enrol(w.board, enterprise=w.enterprise, target_market="bse",
                               enrolled_on=D(2024, 3, 1), actor=w.staff, securities_firm=w.firm)
        w.path = listing.advance(w.path, actor=w.staff, action="convert", occurred_on=D(2024, 9, 2))
        w.cultivating = listing.enrol(w.board, enterprise=w.second, target_market="neeq",
                                      enrolled_on=D(2025, 5, 6), actor=w.staff)
    return w


def _get(client, user, url):
    client.force_login(user)
    return client.get(url)


def test_pipeline_counts_each_stage(client, paths, django_assert_max_num_queries):
    w = paths
    url = f"/{w.board.slug}/cultivation/pipeline/"
    for reader in (w.staff, w.bureau, w.regulator):
        client.force_login(reader)
        with django_assert_max_num_queries(12):
            page = client.get(url)
        assert page.status_code == 200
        text = page.content.decode()
        assert "培育企业共 2 家" in text
        assert '<td><a href="#stage-joint_stock">1</a></td>' in text
        assert '<td><a href="#stage-cultivating">1</a></td>' in text
        assert '<td><a href="#stage-listed">0</a></td>' in text
        assert 'data-chart="stages"' in text and "包头瑞达稀土功能材料股份有限公司" in text


def test_pipeline_is_404_for_another_board_and_roles_without_it(client, paths):
    w = paths
    url = f"/{w.board.slug}/cultivation/pipeline/"
    for outsider in (w.other_staff, w.firm_user, w.enterprise_user, w.expert):
        assert _get(client, outsider, url).status_code == 404


def test_the_path_page_for_the_firm_the_enterprise_and_no_one_else(client, paths,
                                                                   django_assert_max_num_queries):
    w = paths
    url = f"/{w.board.slug}/cultivation/paths/{w.path.pk}/"
    client.force_login(w.firm_user)
    with django_assert_max_num_queries(12):
        page = client.get(url)
    text = page.content.decode()
    assert page.status_code == 200 and "完成股份制改造" in text and "2024-09-02" in text
    assert "登记辅导备案" in text and "终止培育" not in text  # the firm takes stage steps only
    ent = _get(client, w.enterprise_user, url).content.decode()
    assert "恒泰证券股份有限公司" in ent and "登记辅导备案" not in ent
    for outsider in (w.other_firm_user, w.bank_user, w.other_staff, w.expert):
        assert _get(client, outsider, url).status_code == 404
    assert _get(client, w.other_staff, f"/{w.other.slug}/cultivation/paths/{w.path.pk}/").status_code == 404


def test_the_firm_records_tutoring_on_the_page_and_a_wrong_date_stays_next_to_its_field(client, paths):
    w = paths
    url = f"/{w.board.slug}/cultivation/paths/{w.path.pk}/tutoring/"
    client.force_login(w.firm_user)
    bad = client.post(url, {"occurred_on": "2024-08-01", "reference": "内蒙证监局辅导备案"})
    assert bad.status_code == 400
    text = bad.content.decode()
    assert "早于上一节点（完成股份制改造，2024-09-02）" in text and 'value="内蒙证监局辅导备案"' in text
    done = client.post(url, {"occurred_on": "2024-12-20", "reference": "内蒙证监局辅导备案"})
    assert done.status_code == 302
    with board_scope(w.board):
        path = ListingPath.objects.get(pk=w.path.pk)
        assert (path.stage, path.tutoring_on) == ("tutoring", D(2024, 12, 20))
        entry = EvidenceEntry.objects.filter(action="cultivation.listing.advanced").last()
        assert entry.actor == w.firm_user and entry.payload["reference"] == "内蒙证监局辅导备案"
    again = client.post(url, {"occurred_on": "2024-12-21"})
    assert again.status_code == 409 and "登记交易所沟通" in again.content.decode()
    # A staff-only step is no page for the firm.
    assert client.get(f"/{w.board.slug}/cultivation/paths/{w.path.pk}/withdraw/").status_code == 404


def test_admin_changelist_groups_by_stage_with_counts_and_enrols_through_the_service(client, paths):
    w = paths
    client.force_login(w.staff)
    page = client.get("/admin/cultivation/listingpath/")
    text = page.content.decode()
    assert page.status_code == 200 and 'id="stage-counts"' in text
    assert text.index("赤峰草原乳业科技有限公司") < text.index("包头瑞达稀土功能材料股份有限公司")  # by stage
    assert "?stage__exact=joint_stock\">1</a>" in text
    with board_scope(w.board):
        third = type(w.enterprise).objects.create(board=w.board, name="通辽风电科技有限公司",
                                                  credit_code="91150502MA0N000012", prefecture="通辽市",
                                                  industry="风电", status="admitted")
    add = "/admin/cultivation/listingpath/add/"
    bad = client.post(add, {"enterprise": third.pk, "target_market": "bse", "enrolled_on": "2099-01-01"})
    assert bad.status_code == 400 and "晚于今天" in bad.content.decode()
    added = client.post(add, {"enterprise": third.pk, "target_market": "bse", "enrolled_on": "2025-10-09",
                              "securities_firm": w.firm.pk})
    assert added.status_code == 302
    with board_scope(w.board):
        assert ListingPath.objects.get(enterprise=third).securities_firm == w.firm
    step = client.post(f"/admin/cultivation/listingpath/{w.path.pk}/act/tutoring/",
                       {"occurred_on": "2025-01-15"})
    assert step.status_code == 302


def test_admin_is_404_for_another_boards_path(client, paths):
    w = paths
    client.force_login(w.other_staff)
    assert client.get(f"/admin/cultivation/listingpath/{w.path.pk}/change/").status_code == 404
    assert client.get(f"/admin/cultivation/listingpath/{w.path.pk}/act/convert/").status_code == 404
    assert "包头瑞达" not in client.get("/admin/cultivation/listingpath/").content.decode()
