"""Reads of the alliance. ``access_*`` answer the same 404 for a missing object, another
board's and one the caller may not see."""

from django.contrib.auth import get_user_model
from django.db.models import Prefetch, Q
from django.http import Http404
from django_filters import rest_framework as filters

from alliance.models import (
    STANDING_MEMBERSHIP,
    Appointment,
    AppointmentState,
    Membership,
    MembershipState,
    Product,
    ProductType,
    RoundState,
    SelectionRound,
    ServiceApplication,
    ServiceApplicationState,
)
from boards.enterprises.models import Enterprise, QualificationKind
from boards.kernel.access import (
    INSTITUTION_ROLES,
    STAFF_ROLES,
    active_memberships,
    has_role,
    membership_institution,
)
from boards.kernel.models import Institution, Role


def member_institutions(board, *, states=STANDING_MEMBERSHIP, bodies=None):
    """Institutions with a membership of ``board`` in one of ``states`` (in ``bodies``)."""
    memberships = Membership.objects.filter(board=board, state__in=states)
    if bodies is not None:
        memberships = memberships.filter(body__in=bodies)
    return Institution.objects.filter(pk__in=memberships.values("institution_id"))


def is_member(board, institution, states=STANDING_MEMBERSHIP):
    return Membership.objects.filter(board=board, institution=institution, state__in=states).exists()


def body_members(board, body):
    """Admitted members of ``body``, by name."""
    return Institution.objects.filter(alliance_memberships__board=board, alliance_memberships__body=body,
                                      alliance_memberships__state=MembershipState.ADMITTED).order_by("name")


def institution_users(board, institution):
    """The active users acting for ``institution`` on ``board``."""
    return list(get_user_model().objects.filter(
        is_active=True, board_memberships__board=board, board_memberships__institution=institution,
        board_memberships__role__in=INSTITUTION_ROLES, board_memberships__is_active=True).distinct())


def role_users(board, *roles):
    return list(get_user_model().objects.filter(
        is_active=True, board_memberships__board=board, board_memberships__role__in=roles,
        board_memberships__is_active=True).distinct())


def staff_users(board):
    return role_users(board, Role.EXCHANGE_STAFF)


def active_appointment(board, institution):
    return Appointment.objects.filter(board=board, institution=institution,
                                      state=AppointmentState.ACTIVE).first()


# --- 金融超市 ---------------------------------------------------------------------------------


def catalogue(board):
    """Published products of the board's admitted members."""
    return Product.objects.filter(
        board=board, is_published=True,
        institution__in=member_institutions(board, states=[MembershipState.ADMITTED]),
    ).select_related("institution")


def _listed(field, value):
    # Empty list means "any"; icontains on the JSON text works on PostgreSQL and SQLite alike.
    return Q(**{field: []}) | Q(**{f"{field}__icontains": f'"{value}"'})


class CatalogueFilter(filters.FilterSet):
    q = filters.CharFilter(method="filter_q", label="关键词", help_text="产品名称、说明或机构名称包含该词")
    product_type = filters.MultipleChoiceFilter(choices=ProductType.choices, label="产品类型")
    institution = filters.CharFilter(field_name="institution__code", label="机构代码")
    amount = filters.NumberFilter(method="filter_amount", label="融资金额（元）",
                                  help_text="额度范围包含该金额")
    term_months = filters.NumberFilter(method="filter_term", label="期限（月）",
                                       help_text="期限范围包含该月数")
    rate_max = filters.NumberFilter(method="filter_rate", label="最高可接受年化利率（%）",
                                    help_text="最低利率/费率不高于该值")
    approval_days_max = filters.NumberFilter(field_name="approval_days", lookup_expr="lte",
                                             label="审批时限不超过（工作日）")
    tier = filters.CharFilter(method="filter_tier", label="层级代码", help_text="面向该层级或不限层级")
    qualification = filters.ChoiceFilter(choices=QualificationKind.choices, method="filter_qualification",
                                         label="企业资质", help_text="无资质要求或接受该资质")
    for_tech_enterprises = filters.BooleanFilter(label="专为科技型企业设计")

    class Meta:
        model = Product
        fields = ["q", "product_type", "institution", "amount", "term_months", "rate_max",
                  "approval_days_max", "tier", "qualification", "for_tech_enterprises"]

    def filter_q(self, queryset, name, value):
        words = value.split()
        for word in words:
            queryset = queryset.filter(Q(name__icontains=word) | Q(description__icontains=word)
                                       | Q(institution__name__icontains=word))
        return queryset

    def filter_amount(self, queryset, name, value):
        return queryset.filter(amount_min__lte=value, amount_max__gte=value)

    def filter_term(self, queryset, name, value):
        return queryset.filter(term_min_months__lte=value, term_max_months__gte=value)

    def filter_rate(self, queryset, name, value):
        return queryset.filter(rate_min__lte=value)

    def filter_tier(self, queryset, name, value):
        return queryset.filter(_listed("target_tiers", value))

    def filter_qualification(self, queryset, name, value):
        return queryset.filter(_listed("required_qualifications", value))


NOT_FOUND = "未找到该页面。"


# --- A member's own products (pages) -----------------------------------------------------------


def member_institution(user, board):
    """The institution ``user`` acts for on ``board`` while it is a member there (admitted or
    suspended, as in the API); 404 otherwise, the same as a missing page."""
    institution = membership_institution(user, board, *INSTITUTION_ROLES)
    if institution is None or not is_member(board, institution):
        raise Http404(NOT_FOUND)
    return institution


def acts_for_member(user, board):
    """Whether ``user`` acts for a member institution on ``board`` (their products page exists)."""
    institutions = [m.institution for m in active_memberships(user)
                    if m.board_id == board.pk and m.role in INSTITUTION_ROLES and m.institution is not None]
    return bool(institutions) and is_member(board, institutions[0])


def own_products(board, institution):
    """``institution``'s products on ``board``, published or not."""
    return Product.objects.filter(board=board, institution=institution).order_by("name", "id")


def access_own_product(board, institution, pk):
    """Product ``pk`` of ``institution`` on ``board``; another institution's or board's is 404."""
    product = own_products(board, institution).filter(pk=pk).first()
    if product is None:
        raise Http404(NOT_FOUND)
    return product


# --- Enterprises ------------------------------------------------------------------------------


def enterprise_of(user, board):
    """The enterprise ``user`` acts for on ``board`` (404 when none)."""
    enterprise = None
    if has_role(user, board, Role.ENTERPRISE_USER):
        enterprise = Enterprise.objects.filter(board=board, users=user).first()
    if enterprise is None:
        raise Http404(NOT_FOUND)
    return enterprise


def access_enterprise_for_matching(user, board, pk):
    """Enterprise ``pk`` with its qualifications, for its own users or the board's staff."""
    enterprises = Enterprise.objects.filter(board=board, pk=pk).prefetch_related("qualifications")
    if not has_role(user, board, *STAFF_ROLES):
        own = has_role(user, board, Role.ENTERPRISE_USER)
        enterprises = enterprises.filter(users=user) if own else enterprises.none()
    enterprise = enterprises.first()
    if enterprise is None:
        raise Http404(NOT_FOUND)
    return enterprise


# --- Jinzhong ---------------------------------------------------------------------------------


def service_publicity(board):
    """Rounds in publicity with their selected applications, and the appointed institutions."""
    rounds = SelectionRound.objects.filter(board=board, state=RoundState.PUBLICITY).prefetch_related(
        Prefetch("applications", to_attr="selected", queryset=ServiceApplication.objects.filter(
            state=ServiceApplicationState.SELECTED).select_related("institution").order_by("institution__name")))
    appointed = Appointment.objects.filter(board=board,
                                           state=AppointmentState.ACTIVE).select_related("institution")
    return {"rounds": list(rounds), "appointed": list(appointed)}

