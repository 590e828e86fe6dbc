"""Staff keep their board's listing standards (the 培育层 financial test measures against them)."""

import json

from django import forms
from django.contrib import admin

from boards.enterprises.listing_standards import BASES, METRICS
from boards.enterprises.models import ListingStandard
from boards.kernel.admin.base import BoardScopedAdmin


class ListingStandardForm(forms.ModelForm):
    class Meta:
        model = ListingStandard
        fields = ["market", "name", "source", "indicators", "effective_on", "retired_on"]
        help_texts = {"indicators": (
            "JSON 列表，每项 {\"metric\": 指标, \"basis\": 口径, \"threshold\": 标准值}；指标："
            + "、".join(f"{k}（{v}）" for k, v in METRICS.items()) + "；口径："
            + "、".join(f"{k}（{v}）" for k, v in BASES.items())
            + "；金额以元计，比例以百分数计。例如 "
            + json.dumps([{"metric": "revenue", "basis": "average_2y", "threshold": "100000000"}],
                         ensure_ascii=False))}

    board = None  # set by the admin: the current board

    def clean_name(self):
        name = self.cleaned_data["name"].strip()
        if ListingStandard.objects.filter(board=self.board, name=name).exclude(pk=self.instance.pk).exists():
            raise forms.ValidationError("本专板已有同名的上市标准。")
        return name


@admin.register(ListingStandard)
class ListingStandardAdmin(BoardScopedAdmin):
    form = ListingStandardForm
    module = "boards"
    list_display = ["name", "market", "effective_on", "retired_on"]
    list_filter = ["market"]
    search_fields = ["name", "source"]

    def get_form(self, request, obj=None, **kwargs):
        form = super().get_form(request, obj, **kwargs)
        form.board = request.board
        return form
