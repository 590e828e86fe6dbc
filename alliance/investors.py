"""The alliance's side of the kernel's ``InvestorDirectory``: which members' stated interests
(对接偏好) fit a roadshow's enterprises, and the matchmaking a roadshow's interest opens.

证监办函〔2022〕840号 (十) 1：“根据企业融资需求以及私募基金管理人投资需求，有针对性地组织路演、推送优质
企业”. Only the members the board pushes enterprises to (``alliance.push_bodies``, admitted) are
suggested, judged on the enterprise's industry and tier: the enterprise put itself forward by signing
up to present, so nothing it has not consented to (financing records, needs) is read.
"""

from django.utils import timezone

from alliance import selectors
from alliance.actions import AllianceAction
from alliance.matching import interest_fit, row
from alliance.models import ACTIVE_MATCH, InterestProfile, Matchmaking, MembershipState
from alliance.writing import notify_institution
from boards.enterprises.tiers import tier_names
from boards.kernel import evidence
from boards.kernel.providers import InvestorInterest, OpenedMatchmaking
from boards.kernel.workflow import fire

OPENED = AllianceAction.MATCHMAKING_OPENED_AT_ROADSHOW


class Investors:
    def interested_investors(self, board, enterprises: list) -> list[InvestorInterest]:
        if "alliance" not in board.setting("modules", []) or not enterprises:
            return []
        members = selectors.member_institutions(board, states=[MembershipState.ADMITTED],
                                                bodies=board.setting("alliance.push_bodies"))
        profiles = (InterestProfile.objects.filter(board=board, institution__in=members)
                    .select_related("institution").order_by("institution__name"))
        names, found = tier_names(board), []
        for profile in profiles:
            fits = [(e, interest_fit(profile, e, names)) for e in enterprises]
            fits = [(e, rows) for e, rows in fits if all(r["met"] for r in rows)]
            if fits:
                reasons = [f"{e.name}：" + ("；".join(r["reason"] for r in rows) or "对接偏好不限行业和层级")
                           for e, rows in fits]
                found.append(InvestorInterest(profile.institution, tuple(e.pk for e, _ in fits),
                                              tuple(reasons)))
        return found

    def open_matchmaking(self, board, *, institution, enterprise, actor, source: str,
                         note: str) -> OpenedMatchmaking:
        if "alliance" not in board.setting("modules", []):
            return OpenedMatchmaking(None, "本专板未启用科创服务联盟，意向已登记，未生成对接项目。")
        if not selectors.is_member(board, institution, states=[MembershipState.ADMITTED]):
            return OpenedMatchmaking(None, f"{institution.name}不是联盟成员，意向已登记，未生成对接项目。")
        active = (Matchmaking.objects.select_for_update().filter(
            board=board, institution=institution, enterprise=enterprise, state__in=ACTIVE_MATCH).first())
        if active is not None:
            return OpenedMatchmaking(active.pk, f"已有进行中的对接项目（{active.get_state_display()}）。")
        matchmaking = Matchmaking(board=board, institution=institution, enterprise=enterprise,
                                  pushed_at=timezone.now(),
                                  match_reasons=[row("roadshow", True, note)])
        fire(matchmaking, "interest")  # the investor showed its interest at the roadshow
        matchmaking.save()
        evidence.record(board, OPENED, actor=actor, subject=matchmaking, payload={
            "institution": institution.pk, "enterprise": enterprise.pk, "source": source, "note": note})
        notify_institution(board, institution, "alliance.matchmaking.pushed",
                           f"路演对接：{enterprise.name}", f"{note}。已生成对接项目，请跟进并反馈进展。")
        return OpenedMatchmaking(matchmaking.pk, "已生成对接项目（有意向），由联盟跟进。")
