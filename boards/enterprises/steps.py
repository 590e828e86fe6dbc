"""Steps the admission pages outside the admin run (boards.kernel.steps): the applicant's
submission of its draft (or of a supplement round), and an approving body's decision on a tier
plan (分层方案审定). Each is offered while available and checked again on the locked row when
submitted (409 with the steps available otherwise)."""

from django import forms

from boards.enterprises.models import Application, TierPlan, TierPlanState
from boards.enterprises.services import admission, plans
from boards.kernel.steps import Preview, Step, StepForm, Steps


def submit_preview(application: Application) -> Preview:
    campaign = application.campaign
    prefecture, deadline = application.enterprise.prefecture, campaign.bureau_deadline
    return Preview(f"提交至{prefecture}地方主管部门，由其在 {deadline:%Y-%m-%d} 前随批次报送交易中心；"
                   "同时生成《入板申请表》报备，提交后不能再修改")


def resubmit_preview(application: Application) -> Preview:
    rounds = application.supplement_rounds
    uploaded = sum(1 for material in application.materials.all() if material.round == rounds)
    return Preview(f"提交第 {rounds} 轮补充材料（本轮已上传 {uploaded} 份），交易中心继续初核",
                   ok=bool(uploaded))


APPLICANT_STEPS: Steps = {
    "submit": Step("提交申请", admission.submit_application, transition="submit", preview=submit_preview,
                   success="申请已提交。"),
    "resubmit": Step("提交补充材料", admission.resubmit, transition="resubmit", preview=resubmit_preview,
                     success="补充材料已提交，交易中心将继续初核。"),
}


class DecisionForm(StepForm):
    approved = forms.TypedChoiceField(label="审定意见", choices=[("1", "同意"), ("0", "不同意")],
                                      coerce=lambda v: v == "1", widget=forms.RadioSelect)
    comment = forms.CharField(label="意见说明（不同意时必填）", required=False, widget=forms.Textarea)


def approval_steps(body: str) -> Steps:
    """The step of approving body ``body`` (a code of the board's ``admission.approving_bodies``)."""

    def decided(plan: TierPlan) -> str | None:
        if plan.approvals.filter(body=body).exists():
            return f"{admission.body_name(plan.board, body)}已对本方案作出审定意见。"
        return None

    def preview(plan: TierPlan) -> Preview:
        name = admission.body_name(plan.board, body)
        done = set(plan.approvals.filter(approved=True).values_list("body", flat=True))
        others = [b["name"] for b in admission.approving_bodies(plan.board) if b["code"] not in done | {body}]
        after = (f"同意后仍待{'、'.join(others)}审定" if others
                 else "本单位同意后方案即审定通过，方案中的企业进入公示准备")
        return Preview(f"以{name}名义对「{plan.title}」作出审定意见：{after}；不同意时方案退回交易中心修改")

    return {"decide": Step("提交审定意见", plans.decide_plan, states=(TierPlanState.SUBMITTED,),
                           guard=decided, form=DecisionForm, preview=preview, fixed={"body": body},
                           success="审定意见已提交。")}
