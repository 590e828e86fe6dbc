"""Shared set-up of the admission tests: a Xinjiang and an Inner Mongolia board configured as
in the demo, with a user for every role the admission flow involves."""

import datetime as dt
import io
from types import SimpleNamespace

import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from pypdf import PdfReader

from boards.enterprises.models import FinancialYear, Qualification
from boards.enterprises.services import admission, application_form, plans
from boards.enterprises.tiers import TIER_SCHEMES
from boards.kernel.models import Board
from boards.kernel.scoping import board_scope
from tests.factories import EnterpriseFactory, InstitutionFactory, MembershipFactory, UserFactory

SHANGHAI = dt.timezone(dt.timedelta(hours=8))
XJ_BODIES = [{"code": "gxt", "name": "自治区工信厅"}, {"code": "jrjg", "name": "自治区地方金融监管局"},
             {"code": "zjj", "name": "新疆证监局"}]
NMG_BODIES = [{"code": "jrb", "name": "自治区金融办"}, {"code": "kjt", "name": "自治区科技厅"}]


def at(*args):
    """Travel to a Shanghai wall-clock time (clock stopped)."""
    return time_machine.travel(dt.datetime(*args, tzinfo=SHANGHAI), tick=False)


def pdf_upload(name="材料.pdf", text="入板申请材料"):
    """A small real PDF (the upload check reads it)."""
    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(width=200, height=200)
    writer.add_metadata({"/Title": text})
    buffer = io.BytesIO()
    writer.write(buffer)
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="application/pdf")


def pdf_text(filing):
    """The PDF's text with line breaks removed (table cells wrap long names)."""
    with filing.file.open("rb") as f:
        text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(f.read())).pages)
    return text.replace("\n", "")


def _board(slug, name, prefix, bodies, addressee):
    return Board.objects.create(
        slug=slug, name_zh=name, name_en=slug, short_name=name, kind="board", operator=f"{name}运营机构",
        region="测试", filing_prefix=prefix, regulators=bodies,
        config={"tiers": TIER_SCHEMES[slug],
                "admission": {"approving_bodies": bodies, "publicity_workdays": 5,
                              "filing_addressee": addressee}})


def _member(board, role, username, **membership):
    # No usable password: tests log in with force_login, and hashing is slow.
    user = UserFactory(username=username, is_staff=role == "exchange_staff", password=None)
    MembershipFactory(user=user, board=board, role=role, **membership)
    return user


def fill_form(application, user):
    """The enterprise fills its 入板申请表: a basis, and the years it lacks as zeros (the tier rules
    then read nothing they did not read before)."""
    have = set(FinancialYear.objects.filter(enterprise=application.enterprise).values_list("year", flat=True))
    years = [y for y in application_form.required_years(application.enterprise) if y not in have]
    return application_form.fill_application_form(application, actor=user, fields={},
                                                  basis="申报「专精特新」中小企业：已获省级专精特新认定。",
                                                  financials={year: {} for year in years})


def world(slug="xj-zjtx"):
    """A board with its campaign (opened 2026-09-01) and one prospect enterprise with a user."""
    xj = slug == "xj-zjtx"
    bodies = XJ_BODIES if xj else NMG_BODIES
    board = _board(slug, "新疆专精特新专板" if xj else "内蒙古科创板", "XJ-ZJTX" if xj else "NMG-KCB", bodies,
                   "gxt" if xj else "kjt")
    prefecture = "乌鲁木齐市" if xj else "呼和浩特市"
    w = SimpleNamespace(board=board, prefecture=prefecture)
    w.staff = _member(board, "exchange_staff", f"{slug}-staff")
    w.bureau = _member(board, "local_bureau", f"{slug}-bureau", prefecture=prefecture)
    w.other_bureau = _member(board, "local_bureau", f"{slug}-bureau2", prefecture="别的地州")
    w.enterprise_user = _member(board, "enterprise_user", f"{slug}-ent")
    fund = InstitutionFactory(code=f"{slug}-fund", name="天山创业投资管理有限公司", kind="fund")
    w.institution_user = _member(board, "institution_user", f"{slug}-fund", institution=fund)
    w.institution = fund
    w.regulators = {}
    for body in bodies:
        institution = InstitutionFactory(code=body["code"], name=body["name"], kind="government")
        w.regulators[body["code"]] = _member(board, "regulator", f"{slug}-{body['code']}",
                                             institution=institution)
    with board_scope(board), at(2026, 9, 1, 9, 0):
        w.enterprise = EnterpriseFactory(board=board, prefecture=prefecture, status="prospect",
                                         name=f"{prefecture}测试科技有限公司")
        w.enterprise.users.add(w.enterprise_user)
        if xj:
            Qualification.objects.create(board=board, enterprise=w.enterprise, kind="specialized_sme",
                                         issuer="自治区工信厅", issued_on=dt.date(2025, 1, 1))
        w.campaign = admission.create_campaign(
            board, name="2026年度入板申报", opens_on=dt.date(2026, 9, 1),
            bureau_deadline=dt.date(2026, 9, 15), check_deadline=dt.date(2026, 9, 25), actor=w.staff)
    return w


def admission_boards():
    """Xinjiang with an application (one material) submitted to the bureau and a tier plan
    with the approving bodies; Inner Mongolia as the other tenant."""
    xj, nmg = world("xj-zjtx"), world("nmg-kcb")
    with at(2026, 9, 2, 10, 0), board_scope(xj.board):
        xj.application = admission.create_application(xj.enterprise, xj.campaign, actor=xj.enterprise_user)
        xj.material = admission.add_material(xj.application, pdf_upload(), title="申请表",
                                             actor=xj.enterprise_user)
        fill_form(xj.application, xj.enterprise_user)
        admission.submit_application(xj.application, actor=xj.enterprise_user)
        other = EnterpriseFactory(board=xj.board, prefecture=xj.prefecture, status="prospect")
        planned = admission.create_application(other, xj.campaign, actor=xj.bureau)
        fill_form(planned, xj.bureau)
        admission.submit_application(planned, actor=xj.bureau)
        admission.forward_batch([planned], prefecture=xj.prefecture, actor=xj.bureau)
        admission.start_check(planned, actor=xj.staff)
        admission.mark_eligible(planned, actor=xj.staff)
        xj.plan = plans.build_plan(xj.campaign, [planned], actor=xj.staff)
        plans.submit_plan(xj.plan, actor=xj.staff)
    return xj, nmg
