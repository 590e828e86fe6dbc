"""Institution API over the enterprise database."""

from django.urls import path

from boards.enterprises.api.enterprises import InstitutionEnterpriseViewSet
from boards.kernel.modules import module_urls

urlpatterns = module_urls("boards", [
    path("<slug:board>/enterprises/", InstitutionEnterpriseViewSet.as_view({"get": "list"}),
         name="api-enterprise-list"),
    path("<slug:board>/enterprises/<int:pk>/", InstitutionEnterpriseViewSet.as_view({"get": "retrieve"}),
         name="api-enterprise-detail"),
])
