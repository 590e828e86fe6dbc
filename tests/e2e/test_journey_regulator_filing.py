"""Journey: a regulator logs in, opens the board's filings page and downloads a filing's PDF
through the browser; the PDF's text carries the filing's Chinese title and number."""

import io
from pathlib import Path

import pytest
from playwright.sync_api import expect
from pypdf import PdfReader

from boards.kernel.filings import create_filing
from boards.kernel.models import Filing
from boards.kernel.scoping import board_scope
from tests.factories import BoardFactory, InstitutionFactory
from tests.support.e2e import demo_user, login, shot

TITLE = "关于内蒙古科创板优选层评审结果的报备"


@pytest.fixture
def filed(committed_db, celery_eager):
    regulators = [{"code": "kjt", "name": "自治区科技厅"}, {"code": "jrb", "name": "自治区金融办"}]
    board = BoardFactory(slug="nmg-kcb", name_zh="内蒙古科创板", filing_prefix="NMG-KCB",
                         regulators=regulators)
    staff = demo_user("nmg-kcb.staff", board, "exchange_staff")
    demo_user("nmg-kcb.regulator", board, "regulator",
              institution=InstitutionFactory(code="kjt", name="自治区科技厅", kind="government"))
    with board_scope(board):
        # Eager Celery: the PDF is rendered when the filing's transaction commits.
        filing = create_filing(
            board, kind="reviews.feedback", addressee="kjt", subject=TITLE,
            template_name="boards/filings/generic.html", actor=staff,
            context={"paragraphs": ["经专家委员会评审，以下企业通过优选层评审。"],
                     "rows": [["企业名称", "包头瑞达稀土功能材料有限公司"], ["评审结论", "通过"]]})
        filing = Filing.objects.get(pk=filing.pk)
    assert filing.state == "rendered"
    return board, filing


@pytest.mark.browser
@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_regulator_downloads_a_filing_pdf(live_server, new_page, filed):
    board, filing = filed
    page = login(new_page(), live_server, "nmg-kcb.regulator", f"/{board.slug}/filings/")
    expect(page.locator("h1")).to_have_text("报备文件")
    row = page.locator("table.list tbody tr", has_text=filing.number)
    expect(row).to_contain_text(TITLE)
    expect(row).to_contain_text("自治区科技厅")
    expect(row).to_contain_text("已生成")
    shot(page, "regulator_filings_list")

    with page.expect_download() as download:
        row.get_by_role("link", name="下载 PDF").click()
    assert download.value.suggested_filename == f"{filing.number}.pdf"
    pdf = Path(download.value.path()).read_bytes()
    assert pdf.startswith(b"%PDF")
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages).replace("\n", "")
    assert TITLE in text and filing.number in text and "包头瑞达稀土功能材料有限公司" in text
