"""Journey: an enterprise, from the login form, clicks from its workbench to 数据使用记录, sees the
bank's reads of its data with the categories, the consent they rested on and each one's proof, and
downloads the PDF receipt."""

import datetime as dt

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from boards.enterprises.services.consent import grant_consent, record_institution_read
from boards.kernel import evidence_tree
from boards.kernel.scoping import board_scope
from tests.factories import EnterpriseFactory, InstitutionFactory
from tests.support.e2e import ARTIFACTS, demo_user, login, shot


@pytest.fixture
def read_enterprise(committed_db, board):
    bank = InstitutionFactory(code="BANKE2E", name="呼和浩特测试银行")
    banker = demo_user("banker-e2e", board, "institution_user", institution=bank)
    owner = demo_user("owner-e2e", board, "enterprise_user")
    with board_scope(board):
        enterprise = EnterpriseFactory(board=board, name="鄂尔多斯稀土新材料有限公司")
        enterprise.users.add(owner)
        grant_consent(enterprise, categories=["basic", "financials", "qualifications"], institution=bank,
                      expires_at=timezone.now() + dt.timedelta(days=90), actor=owner)
        for view, categories in (("list", {"basic", "financials"}), ("detail", {"basic", "qualifications"})):
            record_institution_read(board, institution=bank, actor=banker, view=view,
                                    consents={enterprise.pk: frozenset(categories)})
        evidence_tree.sequence_all(board)
    return owner


@pytest.mark.browser
@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_an_enterprise_follows_every_use_of_its_data(live_server, new_page, read_enterprise):
    page = login(new_page(), live_server, read_enterprise.username)
    page.get_by_role("link", name="进入我的工作台").click()
    page.get_by_role("link", name="数据使用记录").first.click()
    table = page.locator("#data-uses")
    expect(table.locator("tbody tr")).to_have_count(2)
    expect(table).to_contain_text("呼和浩特测试银行")
    expect(table).to_contain_text("基本信息、资质")
    expect(table).to_contain_text("已验证包含")
    table.locator("summary").first.click()  # the proof's hashes, folded by default
    shot(page, "data_uses_1_page")
    with page.expect_download() as download:
        page.locator("#download-receipt").click()
    assert download.value.suggested_filename.endswith(".pdf")
    assert download.value.path().read_bytes().startswith(b"%PDF")
    download.value.save_as(ARTIFACTS / "data_uses_2_receipt.pdf")
