from django.urls import path

from boards.api import views

urlpatterns = [
    path("boards/", views.BoardList.as_view(), name="api-board-list"),
]
