"""Journey: every role of the demo, from the login form, lands on its workbench (工作台) and
reaches each of its pages by clicking the workbench's links; an account on two boards switches
board in the top bar; the public home links each board's public pages."""

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from tests.support.e2e import PASSWORD, shot

ACCOUNTS = [
    # (account, board, a page its workbench must offer)
    ("nmg-kcb.enterprise", "nmg-kcb", "我的入板申请"),
    ("nmg-kcb.expert", "nmg-kcb", "评审任务"),
    ("nmg-kcb.institution", "nmg-kcb", "本机构金融产品"),
    ("nmg-kcb.enhancer", "nmg-kcb", "立项会"),
    ("nmg-kcb.regulator", "nmg-kcb", "报备文件"),
    ("xj-zjtx.bureau", "xj-zjtx", "辖区入板申请"),
    ("nmg-kcb.staff", "nmg-kcb", "管理后台（工作台账与审核）"),
    ("xj-zjtx.staff", "xj-zjtx", "管理后台（工作台账与审核）"),
    ("ordos.staff", "ordos", "管理后台（工作台账与审核）"),
    ("jinzhong.staff", "jinzhong", "管理后台（工作台账与审核）"),
    ("ordos.regulator", "ordos", "目标任务台账"),
    ("jinzhong.enterprise", "jinzhong", "我的融资需求"),
]


@pytest.fixture
def demo(committed_db, celery_eager, settings):
    settings.DEBUG = True
    call_command("seed_demo", verbosity=0)


def _log_in(page, live_server, username):
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.locator("form.login button[type=submit]").click()
    page.wait_for_load_state()


@pytest.mark.browser
@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
@pytest.mark.timeout(1200)  # the demo is seeded once; twelve accounts click through every page
def test_each_role_lands_on_its_workbench_and_clicks_through_its_pages(live_server, new_page, demo):
    for username, slug, expected in ACCOUNTS:
        page = new_page()
        _log_in(page, live_server, username)
        expect(page.locator("h1")).to_have_text("工作台")
        assert page.url.endswith(f"/{slug}/workbench/"), (username, page.url)
        expect(page.locator("section.panel").nth(1)).to_contain_text(expected)
        shot(page, f"workbench_{username.replace('.', '_')}")
        links = page.locator("ul.entries a")
        labels = links.all_inner_texts()
        for label in labels:
            page.locator("ul.entries a", has_text=label).first.click()
            page.wait_for_load_state()
            assert "未找到" not in page.content(), (username, label)
            if label == expected:
                shot(page, f"workbench_{username.replace('.', '_')}_first_page")
            if username.endswith(".staff") and label == "管理后台（工作台账与审核）":  # the desk's queues
                expect(page.locator("#desk-queues .desk-queue").first).to_be_visible()
            if page.locator("header.top").count():
                page.locator("header.top a", has_text="工作台").click()
            else:  # the admin has its own header
                page.go_back()
            expect(page.locator("h1")).to_have_text("工作台")
        page.context.close()


@pytest.mark.browser
@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_an_account_on_two_boards_switches_in_the_top_bar(live_server, new_page, demo):
    page = new_page()
    _log_in(page, live_server, "inst.boc")
    expect(page.locator("h1")).to_have_text("工作台")
    page.locator("details.switcher summary").click()
    page.locator("details.switcher a", has_text="新疆").click()
    expect(page.locator("header.top .board")).to_contain_text("新疆")
    shot(page, "workbench_switch_board")
    page.locator("header.top a.brand").click()
    expect(page.locator("h1")).to_have_text("区域性股权市场专板服务平台")
    shot(page, "public_home")
    page.locator(".cards a", has_text="入板公示").first.click()
    page.wait_for_load_state()
    assert "/publicity/" in page.url
