from django.urls import path

from alliance import views
from boards.kernel.modules import module_urls

urlpatterns = module_urls("alliance", [
    path("<slug:board>/catalogue/", views.catalogue, name="alliance-catalogue"),
    path("<slug:board>/my/financing/", views.my_financing, name="alliance-my-financing"),
    path(
        "<slug:board>/enterprises/<int:pk>/products/",
        views.enterprise_products,
        name="alliance-enterprise-products",
    ),
    # A member institution's own products (the REST API's products, as pages).
    path("<slug:board>/institution/products/", views.institution_products,
         name="alliance-institution-products"),
    path("<slug:board>/institution/products/new/", views.institution_product_form,
         name="alliance-institution-product-new"),
    path("<slug:board>/institution/products/<int:pk>/", views.institution_product_form,
         name="alliance-institution-product"),
    path("<slug:board>/institution/products/<int:pk>/withdraw/", views.institution_product_listing,
         {"publish": False}, name="alliance-institution-product-withdraw"),
    path("<slug:board>/institution/products/<int:pk>/publish/", views.institution_product_listing,
         {"publish": True}, name="alliance-institution-product-publish"),
]) + module_urls("service_institutions", [
    path(
        "<slug:board>/service-institutions/", views.service_institutions, name="alliance-service-institutions"
    ),
])
