"""The staff steps of risk sharing, declared once (boards.kernel.steps): financing cases step
by step through their states, the checker's approval of contract terms and loss allocations
(services refuse the maker), deposits into a compensation fund."""

from django import forms as django_forms
from django.utils import timezone

from boards.kernel.models import Institution
from boards.kernel.steps import Preview, Step, StepForm, Steps, text_form
from risksharing import forms, services
from risksharing.models import ApprovalState, CaseState, EnhancerView, RequestState


def _text(label, keyword="text"):
    return text_form(label, keyword=keyword, max_length=10000)


def _on_request(service):
    """A step on one of the case's funder requests (chosen on the form)."""
    return lambda case, *, request, **kwargs: service(request, **kwargs)


S = CaseState
CASE_STEPS = {
    "add_firm_input": Step("补充专业机构意见", services.add_firm_input, states=(S.PRESCREENING,),
                           form=forms.FirmInputForm, success="已补充。"),
    "recommend": Step("出具融资推荐函", services.recommend_to_enhancers, states=(S.PRESCREENING,),
                      form=forms.RecommendForm,
                      success="融资推荐函已出具并送达增信机构，立项会审议期限开始计算。"),
    "record_view": Step("记录立项会意见", services.record_enhancer_view, states=(S.RECOMMENDED,),
                        form=forms.StaffViewForm, success="立项会意见已记录。"),
    "send_to_funders": Step("发送资金方", services.send_to_funders, states=(S.RECOMMENDED, S.WITH_FUNDERS),
                            form=forms.FundersForm,
                            success="融资推荐函和担保推荐函已发送资金方，答复期限开始计算。"),
    "advise_improvement": Step("告知企业完善事项", services.advise_improvement, states=(S.RECOMMENDED,),
                               form=_text("告知企业的完善事项"), success="已告知企业，反馈函已生成。"),
    "lapse_request": Step("登记资金方逾期未答复", _on_request(services.lapse_request),
                          states=(S.WITH_FUNDERS,), form=forms.LapseForm,
                          success="已登记，请在期限内答复企业。"),
    "send_feedback": Step("答复企业", _on_request(services.send_feedback), states=(S.WITH_FUNDERS,),
                          form=forms.FeedbackForm, success="已答复企业，反馈函已生成。"),
    "propose_terms": Step("录入合同条款", services.propose_terms, states=(S.WITH_FUNDERS,),
                          form=forms.TermsForm, success="合同条款已录入，待另一位工作人员复核。"),
    "disburse": Step("登记放款", services.disburse, states=(S.CONTRACTED,), form=forms.DateForm,
                     success="放款已登记。"),
    "record_repayment": Step("登记还款", services.record_repayment, states=(S.DISBURSED,),
                             form=forms.RepaymentForm, success="还款已登记。"),
    "declare_default": Step("登记违约", services.declare_default, states=(S.DISBURSED,), form=forms.DateForm,
                            success="违约已登记，请录入损失分担。"),
    "propose_loss": Step("录入损失分担", services.propose_loss_allocation, states=(S.DEFAULTED,),
                         form=forms.LossForm, success="损失分担已按比例计算，待另一位工作人员复核。"),
    "transfer_npl": Step("不良资产转让", services.transfer_npl, states=(S.LOSS_ALLOCATED,),
                         form=forms.TransferForm, success="转让已登记。"),
    "close": Step("终止项目", services.close_case, states=(S.PRESCREENING, S.RECOMMENDED, S.WITH_FUNDERS),
                  form=_text("终止理由", "reason"), success="项目已终止。"),
}
CHECKABLE = (ApprovalState.PROPOSED,)
TERMS_STEPS = {
    "approve": Step("复核通过", services.approve_terms, states=CHECKABLE,
                    success="合同条款已复核通过，项目已签约。"),
    "reject": Step("退回", services.reject_terms, states=CHECKABLE, form=_text("退回理由", "reason"),
                   success="合同条款已退回录入人。"),
}
LOSS_STEPS = {
    "approve": Step("复核通过", services.approve_loss_allocation, states=CHECKABLE,
                    success="损失分担已复核通过；资金池已按余额代偿，缺口已记录。"),
    "reject": Step("退回", services.reject_loss_allocation, states=CHECKABLE,
                   form=_text("退回理由", "reason"), success="损失分担已退回录入人。"),
}
FUND_STEPS = {"deposit": Step("注资", services.deposit_to_fund, form=forms.DepositForm,
                              success="注资已入账。")}


class AnswerForm(StepForm):
    intent = django_forms.NullBooleanField(label="融资意向",
                                           help_text="true：有融资意向；false：不予融资（须说明理由）")
    amount = django_forms.DecimalField(label="意向金额（元）", required=False, min_value=0,
                                       **forms.MONEY_FIELD)
    conditions = django_forms.CharField(label="意向条件", required=False, max_length=2000)
    reasons = django_forms.CharField(label="不予融资的理由", required=False, max_length=2000)

    def clean_intent(self):
        if self.cleaned_data.get("intent") is None:
            raise django_forms.ValidationError("请说明是否有融资意向（true 或 false）。")
        return self.cleaned_data["intent"]


# A funder answers the request sent to it (the endpoint acts on that request, not the case).
FUNDER_STEPS = {"answer": Step("答复融资意向", services.answer_request, states=(RequestState.SENT,),
                               form=AnswerForm, success="已答复。")}


def enhancer_steps(institution: Institution) -> Steps:
    """The enhancer's own step on its 立项会 page: its view, once, while the case is recommended
    (the same service as the staff's 记录立项会意见, for the caller's institution)."""

    def recorded(case):
        view = EnhancerView.objects.filter(case=case, institution=institution).exclude(intent=None).first()
        if view is None:
            return None
        recorded_at = timezone.localtime(view.recorded_at)
        return f"本机构的立项会意见已于 {recorded_at:%Y-%m-%d %H:%M} 提交，不能重复提交。"

    def preview(case):
        return Preview(f"提交本机构对「{case.enterprise.name}」的立项会意见；选择有初步担保意向时，"
                       "同时以本机构名义出具担保推荐函（PDF）")

    return {"record_view": Step("提交立项会意见", services.record_enhancer_view, states=(S.RECOMMENDED,),
                                guard=recorded, form=forms.EnhancerViewForm, preview=preview,
                                fixed={"institution": institution}, success="立项会意见已提交。")}
