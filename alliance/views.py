"""Web pages: the public 金融超市 catalogue, an enterprise's financing needs and the products it
qualifies for, and the public list of Jinzhong service institutions."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone

from alliance import selectors, services
from alliance.matching import products_for
from alliance.models import ProductType
from boards.errors import DomainError
from boards.tiers import tier_names

PAGE_SIZE = 20


def _module(board, name):
    if name not in board.setting("modules", []):
        raise Http404("本专板未开通该功能。")


def catalogue(request, board):
    board = request.board
    _module(board, "alliance")
    search = selectors.CatalogueFilter(request.GET or None,
                                       queryset=selectors.catalogue(board).order_by("name", "id"))
    page = Paginator(search.qs, PAGE_SIZE).get_page(request.GET.get("page"))
    names = tier_names(board)
    for product in page.object_list:
        product.tier_label = "、".join(names.get(t, t) for t in product.target_tiers) or "不限"
    query = request.GET.copy()
    query.pop("page", None)
    return render(request, "alliance/catalogue.html",
                  {"search": search, "page": page, "query": query.urlencode()},
                  status=400 if search.is_bound and not search.is_valid() else 200)


class NeedForm(forms.Form):
    amount = forms.DecimalField(label="融资金额（元）", min_value=1, max_digits=16, decimal_places=2)
    term_months = forms.IntegerField(label="期限（月）", min_value=1, max_value=600)
    use = forms.CharField(label="资金用途", widget=forms.Textarea(attrs={"rows": 3}), max_length=2000)
    product_types = forms.MultipleChoiceField(label="期望融资方式", choices=ProductType.choices,
                                              required=False, widget=forms.CheckboxSelectMultiple)


@login_required
def my_financing(request, board):
    board = request.board
    _module(board, "alliance")
    enterprise = selectors.enterprise_of(request.user, board)
    form = NeedForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.post_need(enterprise, actor=request.user, **form.cleaned_data)
        except DomainError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, "融资需求已提交，交易中心审核后列入白名单向联盟成员推送。")
            return redirect("alliance-my-financing", board=board.slug)
    return render(request, "alliance/my_financing.html", {
        "enterprise": enterprise, "form": form, "needs": enterprise.financing_needs.order_by("-posted_at")},
        status=400 if form.errors else 200)


@login_required
def enterprise_products(request, board, pk):
    """The catalogue products the enterprise qualifies for, with the reasons (its users and staff)."""
    board = request.board
    _module(board, "alliance")
    enterprise = selectors.access_enterprise_for_matching(request.user, board, pk)
    need_id = request.GET.get("need", "")
    if need_id and not need_id.isdigit():
        raise Http404("未找到该融资需求。")
    need = get_object_or_404(enterprise.financing_needs, pk=need_id) if need_id else None
    names = tier_names(board)
    matches = products_for(enterprise, selectors.catalogue(board), tier_names=names, on=timezone.localdate(),
                           need=need)
    return render(
        request,
        "alliance/enterprise_products.html",
        {
            "enterprise": enterprise,
            "need": need,
            "matches": matches,
            "tier_name": names.get(enterprise.tier, ""),
            "eligible": sum(1 for m in matches if m.eligible),
        },
    )


def service_institutions(request, board):
    _module(request.board, "service_institutions")
    return render(request, "alliance/service_institutions.html", selectors.service_publicity(request.board))
