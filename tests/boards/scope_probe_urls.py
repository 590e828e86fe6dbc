"""Test-only URLs: a view that reports the connection's RLS board setting and backend pid."""

from django.db import connection
from django.http import JsonResponse
from django.urls import path

from boards.kernel.scoping import RLS_SETTING


def probe(request, board=None):
    with connection.cursor() as cursor:
        cursor.execute("SELECT current_setting(%s, true), pg_backend_pid()", [RLS_SETTING])
        setting, pid = cursor.fetchone()
    return JsonResponse({"setting": setting or "", "pid": pid})


urlpatterns = [
    path("<slug:board>/probe/", probe),
    path("probe/", probe),
]
