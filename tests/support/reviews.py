"""Helpers of the reviews tests, shared with other folders (the fixtures stay in its conftest.py)."""

import datetime as dt
import io

import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image
from pypdf import PdfWriter

from boards.enterprises.models import FinancingEvent, ServiceRecord
from boards.kernel.calendar import SHANGHAI
from boards.kernel.scoping import board_scope
from reviews import services
from reviews.models import ReviewCase
from tests.factories import ExpertFactory


def local(*args):
    return dt.datetime(*args, tzinfo=SHANGHAI)


START = local(2026, 3, 2, 9)  # a Monday


def pdf_upload(name="材料.pdf"):
    writer, buffer = PdfWriter(), io.BytesIO()
    writer.add_blank_page(width=200, height=200)
    writer.write(buffer)
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="application/pdf")


def png_bytes():
    buffer = io.BytesIO()
    Image.new("RGB", (40, 40), "white").save(buffer, "PNG")
    return buffer.getvalue()


def png_upload(name="签字评审表.png"):
    return SimpleUploadedFile(name, png_bytes(), content_type="image/png")


def form_data(case, score=16, vote="pass", **extra):
    """A filled review form of ``case``: every score field ``score`` (capped at its max)."""
    data = {"vote": vote, **extra}
    for spec in case.rules["form"]["fields"]:
        if spec["type"] == "score":
            data[spec["key"]] = str(min(score, spec["max"]))
        elif spec["type"] == "choice":
            data[spec["key"]] = spec["options"][0]
        else:
            data[spec["key"]] = "材料真实完整，技术有创新性。"
    return data


def invest(board, enterprise, institution, kind="equity", on="2025-06-01"):
    with board_scope(board):
        return FinancingEvent.objects.create(board=board, enterprise=enterprise, kind=kind, amount="5000000",
                                             investor_name=institution.name, investor=institution,
                                             occurred_on=on)


def serve(board, enterprise, institution, staff, on="2025-10-01", summary="年报审计"):
    with board_scope(board):
        return ServiceRecord.objects.create(board=board, enterprise=enterprise, kind="service",
                                            occurred_on=on, staff=staff, summary=summary,
                                            institution=institution)


def committee(board, count, **kwargs):
    with board_scope(board):
        return [ExpertFactory(board=board, **kwargs) for _ in range(count)]


class Flow:
    """Drives a case through services inside its board's scope, on a fixed clock."""

    def __init__(self, board, staff):
        self.board, self.staff = board, staff

    def open(self, enterprise, kind="innovation", **kwargs):
        with board_scope(self.board):
            return services.open_case(self.board, kind=kind, enterprise=enterprise, actor=self.staff,
                                      **kwargs)

    def reload(self, case):
        with board_scope(self.board):
            return ReviewCase.objects.get(pk=case.pk)

    def seats(self, case):
        with board_scope(self.board):
            return list(case.seats.select_related("expert__user", "review_deadline", "receipt_deadline")
                        .order_by("pk"))

    def sent(self, enterprise, kind="innovation", at=START, **kwargs):
        """Opened, panel drawn, material sent."""
        case = self.open(enterprise, kind, **kwargs)
        with board_scope(self.board), time_machine.travel(at, tick=False):
            services.add_material(case, title="企业申报材料", uploaded_file=pdf_upload(), actor=self.staff)
            services.draw_panel(case, actor=self.staff, seed=42)
            services.send_material(case, actor=self.staff)
        return self.reload(case)

    def received(self, enterprise, kind="innovation", at=START, **kwargs):
        case = self.sent(enterprise, kind, at, **kwargs)
        with board_scope(self.board), time_machine.travel(at + dt.timedelta(hours=1), tick=False):
            for seat in self.seats(case):
                services.confirm_receipt(seat, actor=seat.expert.user)
        return self.reload(case)

    def vote(self, case, votes, at=None):
        """Submit ``votes`` (pass/fail/abstain, one per seat in order)."""
        with board_scope(self.board), time_machine.travel(at or START + dt.timedelta(days=1), tick=False):
            for seat, vote in zip(self.seats(case), votes, strict=False):
                data = form_data(case, vote=vote, score=20 if vote == "pass" else 5)
                services.submit_opinion(seat, data=data, signed_form=png_upload(), actor=seat.expert.user)
        return self.reload(case)

    def others_meet_and_vote(self, case, seat, votes, place, days=3):
        """Live (on the real clock, as a browser journey runs): every seat but ``seat`` confirms
        receipt, a meeting ``days`` ahead is held with the whole panel, and the others submit
        ``votes`` in seat order. Returns the other seats."""
        others = [s for s in self.seats(case) if s.pk != seat.pk]
        with board_scope(self.board):
            for other in others:
                services.confirm_receipt(other, actor=other.expert.user)
            services.schedule_meeting(case, at=timezone.now() + dt.timedelta(days=days), place=place,
                                      actor=self.staff)
            services.hold_meeting(case, attended=[s.pk for s in self.seats(case)],
                                  observers=["科技厅 观察员"], answers="企业作了答辩。", actor=self.staff)
            for other, vote in zip(others, votes, strict=True):
                services.submit_opinion(other, data=form_data(case, vote=vote,
                                                              score=20 if vote == "pass" else 5),
                                        signed_form=png_upload(), actor=other.expert.user)
        return others

    def met(self, enterprise, kind="premium", absent=0, **kwargs):
        """A meeting case: receipts on START, meeting 4 days later, held without the last
        ``absent`` seats."""
        case = self.received(enterprise, kind, **kwargs)
        meeting = START + dt.timedelta(days=4)
        with board_scope(self.board):
            with time_machine.travel(START + dt.timedelta(days=1), tick=False):
                services.schedule_meeting(case, at=meeting, place="交易中心会议室", actor=self.staff)
            seats = self.seats(case)
            with time_machine.travel(meeting, tick=False):
                services.hold_meeting(case, attended=[s.pk for s in seats[:len(seats) - absent]],
                                      observers=["自治区科技厅 王处长"], answers="企业就技术路线作了答辩。",
                                      actor=self.staff)
        return self.reload(case)
