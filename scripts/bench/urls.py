"""Bench-only urlconf (settings.ROOT_URLCONF when ZHUANBAN_BENCH=1): the whole platform plus the
raw floors, which exist in no normal run.

The floors themselves are in ``scripts/bench/floors.py``: the same results as their endpoints,
computed the plainest way.
"""

from unittest import mock

from django.urls import include, path, resolve

from scripts.bench import floors


def without_evidence(request, board):
    """The enterprise list itself, everything included but its evidence entry: the reference of the
    evidence bench row ("the same reads without it"). Sync workers serve one request at a time, so
    the patch touches no other request."""
    from boards.enterprises.api import enterprises

    view = resolve(f"/api/v1/{board}/enterprises/")
    with mock.patch.object(enterprises, "record_institution_read", lambda *args, **kwargs: None):
        return view.func(request, *view.args, **view.kwargs)


urlpatterns = [
    path("bench-noevidence/<slug:board>/enterprises/", without_evidence),
    path("bench-floor/<slug:board>/enterprises/", floors.enterprises),
    path("bench-floor/<slug:board>/products/", floors.products),
    path("bench-floor/<slug:board>/catalogue/", floors.catalogue),
    path("bench-floor/<slug:board>/pushed-enterprises/", floors.pushed_enterprises),
    path("bench-floor/<slug:board>/matchmakings/", floors.matchmakings),
    path("bench-floor/<slug:board>/financing-needs/", floors.financing_needs),
    path("bench-floor/<slug:board>/financing-cases/", floors.financing_cases),
    path("bench-floor/<slug:board>/policies/", floors.policies),
    path("bench-floor/<slug:board>/awards/", floors.awards),
    path("bench-floor/<slug:board>/filings/", floors.filings),
    path("bench-floor/<slug:board>/notifications/", floors.notifications),
    path("", include("config.urls")),
]
