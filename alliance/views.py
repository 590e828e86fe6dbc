"""Web pages: the public 金融超市 catalogue, an enterprise's financing needs and the products it
qualifies for, a member institution's own products (list, publish, edit, 上架/下架: the same
services as the REST API), and the public list of Jinzhong service institutions."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from alliance import selectors, services
from alliance.matching import products_for
from alliance.models import MembershipState, ProductType
from boards.enterprises.models import QualificationKind
from boards.enterprises.tiers import tier_names
from boards.kernel.errors import DomainError, add_to_form, form_status

PAGE_SIZE = 20


def catalogue(request, board):
    board = request.board
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
    enterprise = selectors.enterprise_of(request.user, board)
    form = NeedForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.post_need(enterprise, actor=request.user, **form.cleaned_data)
        except DomainError as exc:
            add_to_form(form, exc)
        else:
            messages.success(request, "融资需求已提交，交易中心审核后列入白名单向联盟成员推送。")
            return redirect("alliance-my-financing", board=board.slug)
    return render(request, "alliance/my_financing.html", {
        "enterprise": enterprise, "form": form, "needs": enterprise.financing_needs.order_by("-posted_at")},
        status=form_status(form))


@login_required
def enterprise_products(request, board, pk):
    """The catalogue products the enterprise qualifies for, with the reasons (its users and staff)."""
    board = request.board
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
    return render(request, "alliance/service_institutions.html", selectors.service_publicity(request.board))


# --- A member institution's own products (the pages beside the REST API) ----------------------


class ProductForm(forms.Form):
    """The product fields of services.create_product/update_product; the service checks ranges,
    tiers and membership (its errors are shown on the fields)."""

    name = forms.CharField(label="产品名称", max_length=120)
    product_type = forms.ChoiceField(label="产品类型", choices=ProductType.choices)
    description = forms.CharField(label="产品说明", required=False, widget=forms.Textarea(attrs={"rows": 3}))
    amount_min = forms.DecimalField(label="最低额度（元）", min_value=0, max_digits=16, decimal_places=2)
    amount_max = forms.DecimalField(label="最高额度（元）", min_value=0, max_digits=16, decimal_places=2)
    rate_min = forms.DecimalField(label="最低年化利率/费率（%）", min_value=0, max_value=100, max_digits=6,
                                  decimal_places=3, required=False)
    rate_max = forms.DecimalField(label="最高年化利率/费率（%）", min_value=0, max_value=100, max_digits=6,
                                  decimal_places=3, required=False)
    term_min_months = forms.IntegerField(label="最短期限（月）", min_value=0, max_value=600)
    term_max_months = forms.IntegerField(label="最长期限（月）", min_value=0, max_value=600)
    approval_days = forms.IntegerField(label="审批时限（工作日）", min_value=0, max_value=365)
    target_tiers = forms.MultipleChoiceField(label="适用层级（不选表示不限）", required=False,
                                             widget=forms.CheckboxSelectMultiple)
    required_qualifications = forms.MultipleChoiceField(
        label="资质要求（任一；不选表示不限）", required=False, choices=QualificationKind.choices,
        widget=forms.CheckboxSelectMultiple)
    for_tech_enterprises = forms.BooleanField(label="专为科技型企业设计", required=False)
    board_preference = forms.CharField(label="对专板企业的优惠", required=False,
                                       widget=forms.Textarea(attrs={"rows": 2}))
    is_published = forms.BooleanField(label="上架（在金融超市展示）", required=False, initial=True)

    def __init__(self, *args, board, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["target_tiers"].choices = list(tier_names(board).items())


def _product_initial(product):
    return {name: getattr(product, name) for name in services.PRODUCT_FIELDS}


def _save_product_form(form, save):
    """Run ``save(cleaned_data)``; a DomainError lands on the form. Returns the product or None."""
    if not form.is_valid():
        return None
    try:
        return save(form.cleaned_data)
    except DomainError as exc:
        for field, message in (exc.details or {}).items():
            form.add_error(field if field in form.fields else None, message)
        if not exc.details:
            add_to_form(form, exc)
        form.status = exc.status
    return None


@login_required
def institution_products(request, board):
    """The member's products, published or not, with their edit and 上架/下架 buttons."""
    board = request.board
    institution = selectors.member_institution(request.user, board)
    names = tier_names(board)
    products = list(selectors.own_products(board, institution))
    for product in products:
        product.tier_label = "、".join(names.get(t, t) for t in product.target_tiers) or "不限"
    return render(request, "alliance/institution_products.html", {
        "institution": institution, "products": products,
        "admitted": selectors.is_member(board, institution, states=[MembershipState.ADMITTED])})


@login_required
def institution_product_form(request, board, pk=None):
    """Publish a new product (no ``pk``) or edit one of the institution's own; both go through
    the same services as the API, so its checks and evidence apply."""
    board = request.board
    institution = selectors.member_institution(request.user, board)
    product = selectors.access_own_product(board, institution, pk) if pk is not None else None
    form = ProductForm(request.POST or None, board=board,
                       initial=_product_initial(product) if product else None)
    if request.method == "POST":
        if product is None:
            def save(data):
                return services.create_product(board, institution=institution, data=data, actor=request.user)
        else:
            def save(data):
                return services.update_product(product, data=data, actor=request.user)
        saved = _save_product_form(form, save)
        if saved is not None:
            messages.success(request, f"产品「{saved.name}」已{'发布' if product is None else '保存'}。")
            return redirect("alliance-institution-products", board=board.slug)
    return render(request, "alliance/institution_product_form.html", {
        "institution": institution, "form": form, "product": product},
        status=getattr(form, "status", 400) if form.errors else 200)


@login_required
@require_POST
def institution_product_listing(request, board, pk, publish):
    """下架 (withdraw from the catalogue) or 重新上架 a product; both are update_product."""
    board = request.board
    institution = selectors.member_institution(request.user, board)
    product = selectors.access_own_product(board, institution, pk)
    try:
        services.update_product(product, data={"is_published": publish}, actor=request.user)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, f"产品「{product.name}」已{'上架' if publish else '下架'}。")
    return redirect("alliance-institution-products", board=board.slug)
