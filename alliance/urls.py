from django.urls import path

from alliance import views

urlpatterns = [
    path("<slug:board>/catalogue/", views.catalogue, name="alliance-catalogue"),
    path("<slug:board>/my/financing/", views.my_financing, name="alliance-my-financing"),
    path(
        "<slug:board>/enterprises/<int:pk>/products/",
        views.enterprise_products,
        name="alliance-enterprise-products",
    ),
    path(
        "<slug:board>/service-institutions/", views.service_institutions, name="alliance-service-institutions"
    ),
]
