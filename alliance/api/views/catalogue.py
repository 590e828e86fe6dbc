"""The public catalogue (金融超市) and an institution's own products."""

from django_filters import rest_framework as filters
from drf_spectacular.utils import OpenApiExample, extend_schema, extend_schema_view
from rest_framework import generics
from rest_framework.authentication import BaseAuthentication
from rest_framework.permissions import AllowAny

from alliance import selectors, services
from alliance.api import examples
from alliance.api import serializers as s
from alliance.api.views.base import ERRORS, InstitutionView, _post, _read
from alliance.models import (
    Product,
    ProductType,
)
from boards.kernel.api.permissions import ViewMixinBase
from boards.kernel.api.rows import RowListMixin

# --- 金融超市: public catalogue ----------------------------------------------------------------------

CATALOGUE_ORDERING = ["name", "amount_min", "amount_max", "rate_min", "term_max_months", "approval_days",
                      "updated_at"]


class CatalogueMixin(ViewMixinBase):
    permission_classes = [AllowAny]
    authentication_classes: list[type[BaseAuthentication]] = []
    serializer_class = s.ProductSerializer

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Product.objects.none()
        return selectors.catalogue(self.request.board)


@extend_schema_view(
    get=_read(
        "金融超市产品目录（公开）",
        "本专板在册联盟成员上架的全部金融产品，可按关键词、类型、金额、"
        "期限、利率、审批时限、层级和资质检索。无需认证。",
        examples.PRODUCT,
    )
)
class CatalogueList(RowListMixin, CatalogueMixin, generics.ListAPIView):
    filterset_class = selectors.CatalogueFilter
    ordering_fields = CATALOGUE_ORDERING
    ordering = ["name", "id"]


@extend_schema_view(get=_read("金融超市产品详情（公开）", "一款上架产品。", examples.PRODUCT))
class CatalogueDetail(CatalogueMixin, generics.RetrieveAPIView):
    pass


# --- Own products ------------------------------------------------------------------------------------


class ProductFilter(filters.FilterSet):
    product_type = filters.MultipleChoiceFilter(choices=ProductType.choices)
    is_published = filters.BooleanFilter()
    for_tech_enterprises = filters.BooleanFilter()

    class Meta:
        model = Product
        fields = ["product_type", "is_published", "for_tech_enterprises"]


class OwnProductMixin(InstitutionView):
    model = Product
    serializer_class = s.ProductSerializer

    def filter_for_caller(self, queryset):
        return queryset.filter(institution=self.institution).select_related("institution")


@extend_schema_view(
    get=_read("本机构的金融产品", "本机构在本专板发布的产品（含未上架）。", examples.PRODUCT),
    post=_post(
        "发布金融产品",
        "在册（未暂停）成员发布一款产品；额度、期限、利率区间须下限不高于上限，层级须为本专板层级代码。",
        s.ProductSerializer,
        s.ProductSerializer,
        status=201,
        request_example=examples.PRODUCT_IN,
        response_example=examples.PRODUCT,
    ),
)
class ProductList(RowListMixin, OwnProductMixin, generics.ListCreateAPIView):
    filterset_class = ProductFilter
    ordering_fields = CATALOGUE_ORDERING
    ordering = ["name", "id"]

    def perform_create(self, serializer):
        serializer.instance = services.create_product(self.request.board, institution=self.institution,
                                                      data=serializer.validated_data, actor=self.request.user)


@extend_schema_view(
    get=_read("本机构的一款产品", "其他机构的产品一律 404。", examples.PRODUCT),
    put=extend_schema(
        summary="修改产品",
        request=s.ProductSerializer,
        responses={200: s.ProductSerializer, **ERRORS},
        examples=[OpenApiExample("请求示例", value=examples.PRODUCT_IN, request_only=True)],
    ),
    patch=extend_schema(
        summary="修改产品的部分字段",
        responses={200: s.ProductSerializer, **ERRORS},
        examples=[OpenApiExample("下架", value={"is_published": False}, request_only=True)],
    ),
    delete=extend_schema(summary="删除产品", responses={204: None, 404: ERRORS[404]}),
)
class ProductDetail(OwnProductMixin, generics.RetrieveUpdateDestroyAPIView):
    def perform_update(self, serializer):
        serializer.instance = services.update_product(serializer.instance, data=serializer.validated_data,
                                                      actor=self.request.user)

    def perform_destroy(self, instance):
        services.delete_product(instance, actor=self.request.user)
