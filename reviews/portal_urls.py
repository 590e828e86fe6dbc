"""The expert portal: /portal/..."""

from django.urls import path

from boards.kernel.modules import module_urls
from reviews import views

app_name = "reviews-portal"

urlpatterns = module_urls("reviews", [
    path("", views.portal_home, name="home"),
    path("<slug:board>/seats/<int:pk>/", views.seat_detail, name="seat"),
    path("<slug:board>/seats/<int:pk>/receipt/", views.confirm_receipt, name="receipt"),
    path("<slug:board>/seats/<int:pk>/supplement/", views.request_supplement, name="supplement"),
    path("<slug:board>/seats/<int:pk>/decline/", views.decline, name="decline"),
    path("<slug:board>/seats/<int:pk>/opinion/", views.opinion, name="opinion"),
    path("<slug:board>/seats/<int:pk>/form.docx", views.opinion_docx, name="form-docx"),
    path("<slug:board>/seats/<int:pk>/materials/<int:material_pk>/", views.material, name="material"),
])
