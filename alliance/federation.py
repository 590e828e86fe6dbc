"""The alliance's side of the kernel's ``FederationDirectory``: who is a member of which federation."""

from django.db.models import QuerySet

from alliance.models import Body, Membership, MembershipState
from alliance.selectors import member_institutions


class Federations:
    def bodies(self) -> dict[str, str]:
        return {body.value: str(body.label) for body in Body}

    def admitted_members(self, board, body: str) -> QuerySet:
        return member_institutions(board, states=[MembershipState.ADMITTED], bodies=[body])

    def membership_refusal(self, board, institution, body: str) -> str | None:
        name = Body(body).label
        membership = (Membership.objects.filter(board=board, institution=institution, body=body)
                      .order_by("-applied_at", "-pk").first())
        if membership is None:
            if "alliance" not in board.setting("modules", []):
                return f"该机构不是{name}成员，且本专板未启用科创服务联盟模块，请先启用并为其办理入会。"
            return f"该机构不是{name}成员，请先在科创服务联盟为其办理入会。"
        if membership.state == MembershipState.ADMITTED:
            return None
        if membership.state == MembershipState.SUSPENDED:
            return f"其{name}会籍已暂停，暂停期间不参与新的融资项目；恢复会籍后方可选择。"
        state = f"其{name}会籍状态为「{membership.get_state_display()}」"
        if membership.state in (MembershipState.APPLIED, MembershipState.CHECKED):
            return f"{state}，入会审核通过后方可选择。"
        return f"{state}，须重新申请入会并获准后方可选择。"
