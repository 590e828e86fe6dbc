from django.urls import path

from boards.accounts import views

urlpatterns = [
    path("2fa/setup/", views.setup, name="second-factor-setup"),
    path("2fa/", views.verify, name="second-factor-verify"),
    path("2fa/recovery/", views.recovery, name="second-factor-recovery"),
]
