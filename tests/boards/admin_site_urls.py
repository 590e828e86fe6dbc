"""A test-only admin site with a tenant model (Notification) behind BoardScopedAdmin,
so the base class is tested on a scoped model whatever the apps register."""

from django.contrib import admin
from django.urls import path

from boards.kernel.admin.base import BoardScopedAdmin, switch_board
from boards.kernel.models import Notification

site = admin.AdminSite()
site.register(Notification, BoardScopedAdmin)

urlpatterns = [
    path("admin/switch-board/", site.admin_view(switch_board), name="admin-switch-board"),
    path("admin/", site.urls),
]
