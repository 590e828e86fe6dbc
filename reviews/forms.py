"""The review form an expert fills in: its fields and scoring come from the case's rules."""

from django import forms

from boards.kernel.models import Institution
from reviews.models import Vote


def _field(spec):
    required = spec.get("required", True)
    if spec["type"] == "score":
        return forms.IntegerField(label=f"{spec['label']}（满分 {spec['max']}）", min_value=0,
                                  max_value=spec["max"], required=required)
    if spec["type"] == "choice":
        return forms.ChoiceField(label=spec["label"], required=required,
                                 choices=[("", "请选择")] + [(o, o) for o in spec["options"]])
    return forms.CharField(label=spec["label"], required=required, max_length=5000,
                           widget=forms.Textarea(attrs={"rows": 4}))


class ReviewForm(forms.Form):
    """The configured fields, then the vote and an optional quality challenge against a
    service institution whose documents are on file."""

    vote = forms.ChoiceField(label="表决意见", choices=Vote.choices, widget=forms.RadioSelect)
    challenge_institution = forms.ModelChoiceField(
        label="质疑中介机构文件质量（可选）", queryset=Institution.objects.none(), required=False,
        empty_label="不质疑")
    challenge_text = forms.CharField(label="质疑理由", required=False, max_length=3000,
                                     widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, rules_form, *args, institution_ids=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.spec = rules_form
        configured = {spec["key"]: _field(spec) for spec in rules_form["fields"]}
        self.fields = {**configured, **self.fields}
        self.fields["challenge_institution"].queryset = Institution.objects.filter(pk__in=institution_ids)

    def score_keys(self):
        return [spec["key"] for spec in self.spec["fields"] if spec["type"] == "score"]

    def clean(self):
        data = super().clean()
        total = sum(data.get(key) or 0 for key in self.score_keys())
        data["total_score"] = total
        pass_score = self.spec.get("pass_score")
        if data.get("vote") == Vote.PASS and pass_score is not None and total < pass_score:
            self.add_error("vote", f"总分 {total} 分低于通过分数线 {pass_score} 分，不能投同意票。")
        if bool(data.get("challenge_institution")) != bool(data.get("challenge_text", "").strip()):
            self.add_error("challenge_text", "质疑中介机构时，请同时选择机构并写明理由。")
        return data

    def form_data(self):
        return {spec["key"]: self.cleaned_data.get(spec["key"]) for spec in self.spec["fields"]}
