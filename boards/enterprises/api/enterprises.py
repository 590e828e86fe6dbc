"""Institution API over the enterprise database: ``GET /api/v1/<board>/enterprises/`` and detail.

Invariants:
- the caller (API key or session) holds an institution role on the board and acts for one
  institution; anyone else gets 404;
- it sees only enterprises with a consent in force for its institution (or for all alliance
  members), and of each only the consented categories; data of other categories is not even
  loaded (the prefetches are restricted to the enterprises that consented to them);
- every list or detail answer writes one evidence entry naming the enterprises and categories
  read; the query count does not depend on the page size.
"""

import functools

from django.db.models import Exists, OuterRef, Prefetch, Q, prefetch_related_objects
from django.utils import timezone
from django_filters import rest_framework as filters
from drf_spectacular.extensions import OpenApiSerializerExtension
from drf_spectacular.utils import OpenApiExample, extend_schema, extend_schema_view
from rest_framework import serializers, viewsets
from rest_framework.exceptions import NotFound
from rest_framework.response import Response

from boards.enterprises.models import (
    DataCategory,
    DataConsent,
    Enterprise,
    FinancialYear,
    FinancingEvent,
    Qualification,
    QualificationKind,
)
from boards.enterprises.services.consent import (
    consent_categories_subquery,
    consent_map,
    in_force,
    merge_categories,
    record_institution_read,
)
from boards.enterprises.tiers import tier_names
from boards.kernel.access import INSTITUTION_ROLES
from boards.kernel.api.filters import FilterBackend
from boards.kernel.api.pagination import NameCursorPagination
from boards.kernel.api.permissions import (
    NOT_FOUND,
    BoardScopedViewMixin,
    board_role_permission,
    caller_institution,
)
from boards.kernel.api.rows import compile_plan, grouped
from boards.kernel.api.serializers import ChoiceLabelField

# Response fields of each data category; ``id`` and ``categories`` are always present.
CATEGORY_FIELDS = {
    DataCategory.BASIC: ("name", "credit_code", "prefecture", "industry", "tier", "tier_name"),
    DataCategory.QUALIFICATIONS: ("qualifications",),
    DataCategory.FINANCIALS: ("financials",),
    DataCategory.FINANCING: ("financing",),
}
RELATED = {DataCategory.QUALIFICATIONS: ("qualifications", Qualification),
           DataCategory.FINANCIALS: ("financials", FinancialYear),
           DataCategory.FINANCING: ("financings", FinancingEvent)}
CONSENT_NOTE = "仅当企业授权了对应数据类别时返回。"
BASIC_COLUMNS = ("id", "name", "credit_code", "prefecture", "industry", "tier")


class QualificationOut(serializers.ModelSerializer):
    kind_name = ChoiceLabelField(QualificationKind, source="kind")

    class Meta:
        model = Qualification
        fields = ["kind", "kind_name", "issuer", "issued_on", "valid_until", "financing_round"]


class FinancialYearOut(serializers.ModelSerializer):
    class Meta:
        model = FinancialYear
        fields = ["year", "revenue", "net_profit", "rd_expense", "total_assets"]


class FinancingOut(serializers.ModelSerializer):
    class Meta:
        model = FinancingEvent
        fields = ["kind", "amount", "investor_name", "financing_round", "occurred_on"]


class InstitutionEnterpriseSerializer(serializers.ModelSerializer):
    """An enterprise as an institution sees it: only the consented categories' fields."""

    categories = serializers.SerializerMethodField(help_text="本机构获授权的数据类别")
    tier_name = serializers.SerializerMethodField(required=False, help_text="层级名称。" + CONSENT_NOTE)
    qualifications = QualificationOut(many=True, read_only=True, required=False, help_text=CONSENT_NOTE)
    financials = FinancialYearOut(many=True, read_only=True, required=False, help_text=CONSENT_NOTE)
    financing = FinancingOut(source="financings", many=True, read_only=True, required=False,
                             help_text=CONSENT_NOTE)

    class Meta:
        model = Enterprise
        fields = ["id", "categories", "name", "credit_code", "prefecture", "industry", "tier", "tier_name",
                  "qualifications", "financials", "financing"]
        extra_kwargs = {name: {"required": False, "help_text": CONSENT_NOTE}
                        for name in ("name", "credit_code", "prefecture", "industry", "tier")}

    def _categories(self, enterprise):
        return self.context["consents"].get(enterprise.pk, frozenset())

    def get_categories(self, enterprise) -> list[str]:
        return sorted(self._categories(enterprise))

    def get_tier_name(self, enterprise) -> str:
        return self.context["tier_names"].get(enterprise.tier, enterprise.tier)

    def to_representation(self, enterprise):
        # Only the consented fields are read at all: a related list of a category that was not
        # consented was never loaded.
        shown = {"id", "categories"}
        for category in self._categories(enterprise):
            shown.update(CATEGORY_FIELDS.get(category, ()))
        result = {}
        for field in self._readable_fields:
            if field.field_name in shown:
                attribute = field.get_attribute(enterprise)
                result[field.field_name] = None if attribute is None else field.to_representation(attribute)
        return result


@functools.cache
def _related_plan(category):
    """The values plan of a related category's nested serializer (its field in the serializer)."""
    field = InstitutionEnterpriseSerializer().fields[CATEGORY_FIELDS[category][0]]
    return compile_plan(type(field.child))


class InstitutionEnterpriseSchema(OpenApiSerializerExtension):
    """Only ``id`` and ``categories`` are always present: the other fields come with their
    category's consent (drf-spectacular would mark the read-only ones required)."""

    target_class = InstitutionEnterpriseSerializer
    match_subclasses = True

    def map_serializer(self, auto_schema, direction):
        schema = auto_schema._map_serializer(self.target, direction, bypass_extensions=True)
        schema["required"] = ["categories", "id"]
        return schema


class EnterpriseFilter(filters.FilterSet):
    tier = filters.CharFilter(help_text="层级代码，如 cultivation")
    industry = filters.CharFilter(help_text="所属行业（完全匹配）")
    prefecture = filters.CharFilter(help_text="所在地州市（完全匹配）")
    qualification = filters.ChoiceFilter(
        choices=QualificationKind.choices, method="filter_qualification",
        help_text="持有该类有效资质；只在授权了「资质」的企业中筛选")

    class Meta:
        model = Enterprise
        fields = ["tier", "industry", "prefecture", "qualification"]

    def filter_qualification(self, queryset, name, value):
        today = timezone.localdate()
        held = Qualification.objects.filter(
            Q(valid_until=None) | Q(valid_until__gte=today), enterprise=OuterRef("pk"), kind=value)
        # Only where qualifications were consented: the filter must not reveal what was not.
        return queryset.filter(Exists(held), qualifications_consented=True)


EXAMPLE = {
    "id": 42, "categories": ["basic", "financials", "qualifications"],
    "name": "新疆天衡硅基新材料有限公司", "credit_code": "91650104MA7XXXXXXX", "prefecture": "乌鲁木齐市",
    "industry": "硅基新材料", "tier": "cultivation", "tier_name": "培育层",
    "qualifications": [{"kind": "little_giant", "kind_name": '专精特新"小巨人"', "issuer": "工业和信息化部",
                        "issued_on": "2024-07-01", "valid_until": "2027-06-30", "financing_round": ""}],
    "financials": [{"year": 2025, "revenue": "86000000.00", "net_profit": "9100000.00",
                    "rd_expense": "5200000.00", "total_assets": "120000000.00"}],
}
DESCRIPTION = (
    "机构用户（API 密钥或登录会话，角色为机构用户或增信机构）读取已向本机构（或全体联盟成员）授权、"
    "且授权未过期未撤回的企业；每家企业只返回其授权的数据类别：basic（名称、信用代码、地州市、行业、层级）、"
    "qualifications、financials、financing。每次读取写入存证记录。"
    "其他专板、未授权企业、无相应角色的调用方一律 404。"
)


@extend_schema_view(
    list=extend_schema(summary="已授权企业列表", description=DESCRIPTION,
                       examples=[OpenApiExample("授权了基本信息、资质和财务数据的企业", value=EXAMPLE,
                                                response_only=True)]),
    retrieve=extend_schema(summary="已授权企业详情", description=DESCRIPTION,
                           examples=[OpenApiExample("授权了基本信息、资质和财务数据的企业", value=EXAMPLE,
                                                    response_only=True)]),
)
class InstitutionEnterpriseViewSet(BoardScopedViewMixin, viewsets.ReadOnlyModelViewSet):
    model = Enterprise
    permission_classes = [board_role_permission(*INSTITUTION_ROLES)]
    serializer_class = InstitutionEnterpriseSerializer
    filterset_class = EnterpriseFilter
    # Fixed order, keyset pages: the client pages through with ``next`` (see NameCursorPagination).
    filter_backends = [FilterBackend]
    pagination_class = NameCursorPagination

    def caller_institution(self):
        institution = caller_institution(self.request, *INSTITUTION_ROLES)
        if institution is None:
            raise NotFound(NOT_FOUND)
        return institution

    def filter_for_caller(self, queryset):
        # The gate is a subquery, not a list of ids: its cost follows the page, not the number of
        # consenting enterprises (at 100k a materialised id list made every page cost ~100k rows).
        self.institution = self.caller_institution()
        self.at = timezone.now()
        grants = DataConsent.objects.filter(in_force(self.at), Q(institution=self.institution)
                                            | Q(institution=None), enterprise=OuterRef("pk"))
        # alias, not annotate: only the qualification filter needs it, and selected it made PostgreSQL
        # hash every consent of the board for each page.
        return queryset.filter(Exists(grants)).alias(qualifications_consented=Exists(
            grants.filter(categories__icontains=f'"{DataCategory.QUALIFICATIONS}"')))

    def _load_consented(self, enterprises):
        """Consents of ``enterprises`` only, then the related rows of the categories each consented."""
        self.consents = consent_map(self.institution, at=self.at, enterprises=[e.pk for e in enterprises])

        consenting = {category: [pk for pk, categories in self.consents.items() if category in categories]
                      for category in RELATED}
        # A category no enterprise of the page consented to costs no query.
        prefetch_related_objects(enterprises, *[
            Prefetch(relation, model.objects.filter(enterprise_id__in=consenting[category]))
            for category, (relation, model) in RELATED.items() if consenting[category]])

    def get_serializer_context(self):
        board = getattr(self.request, "board", None)
        return {**super().get_serializer_context(), "consents": getattr(self, "consents", {}),
                "tier_names": tier_names(board) if board else {}}

    def _record_read(self, ids, view):
        read = {pk: self.consents[pk] for pk in ids}
        record_institution_read(self.request.board, institution=self.institution, actor=self.request.user,
                                consents=read, view=view, query=self.request.query_params.dict())

    def list(self, request, *args, **kwargs):
        # Served from values rows (boards.kernel.api.rows): the serializer's answer for the same page
        # (tests/boards/test_api_enterprises.py compares the two), in a fixed number of queries.
        queryset = self.filter_queryset(self.get_queryset())
        categories = consent_categories_subquery(self.institution, self.at)
        if categories is not None:  # the page's consents come with the page (PostgreSQL)
            queryset = queryset.annotate(zb_categories=categories)
        columns = [*BASIC_COLUMNS, *(["zb_categories"] if categories is not None else [])]
        page = self.paginate_queryset(queryset.values(*columns))
        ids = [row["id"] for row in page]
        if categories is not None:
            self.consents = {row["id"]: merge_categories(row["zb_categories"]) for row in page}
        else:
            self.consents = consent_map(self.institution, at=self.at, enterprises=ids)
        related = {}
        for category, (_, model) in RELATED.items():
            consenting = [pk for pk in ids if category in self.consents[pk]]
            related[category] = grouped(_related_plan(category), model.objects.filter(
                enterprise_id__in=consenting), "enterprise_id") if consenting else {}
        tiers = tier_names(request.board)
        results = []
        for row in page:
            categories = self.consents[row["id"]]
            item = {"id": row["id"], "categories": sorted(categories)}
            if DataCategory.BASIC in categories:
                item.update((name, row[name]) for name in BASIC_COLUMNS[1:])
                item["tier_name"] = tiers.get(row["tier"], row["tier"])
            for category in RELATED:
                if category in categories:
                    item[CATEGORY_FIELDS[category][0]] = related[category].get(row["id"], [])
            results.append(item)
        self._record_read(ids, "list")
        return self.get_paginated_response(results)

    def retrieve(self, request, *args, **kwargs):
        enterprise = self.get_object()
        self._load_consented([enterprise])
        self._record_read([enterprise.pk], "detail")
        return Response(self.get_serializer(enterprise).data)
