"""The institutions' REST API of the alliance, under ``/api/v1/<board>/alliance/``.

Invariants: the caller acts for one institution that is a member on this board (Jinzhong duties:
an appointed service institution); it sees its own products, profile, matchmakings,
recommendations and exit cases, and of enterprises only what they consent to it now. Another
board, another institution's object and a caller without the role all get the same 404.
Every list paginates, filters and orders; every POST honours ``Idempotency-Key``; every call
is throttled per API key.
"""

from alliance.api.views.base import ERRORS, InstitutionView
from alliance.api.views.catalogue import (
    CATALOGUE_ORDERING,
    CatalogueDetail,
    CatalogueList,
    CatalogueMixin,
    OwnProductMixin,
    ProductDetail,
    ProductFilter,
    ProductList,
)
from alliance.api.views.matchmaking import (
    STEP_VIEWS,
    STEPS,
    InterestProfileView,
    MatchmakingDetail,
    MatchmakingFilter,
    MatchmakingList,
    MatchmakingMixin,
    MatchmakingStep,
    NeedDetail,
    NeedFilter,
    NeedList,
    NeedMixin,
    PushedEnterpriseViewSet,
    RecommendationList,
    ValueReportDownload,
)
from alliance.api.views.membership import ExitCaseAnswer, ExitCaseList, ExitCaseMixin, MembershipList
from alliance.api.views.service_institutions import (
    ApplicationList,
    DutyMixin,
    FeeAttestationList,
    PerformanceFormList,
    PerformanceFormSubmit,
    ProgressReportList,
    ProgressReportSubmit,
    RoundList,
)

__all__ = [
    "ERRORS",
    "InstitutionView",
    "CATALOGUE_ORDERING",
    "CatalogueMixin",
    "CatalogueList",
    "CatalogueDetail",
    "ProductFilter",
    "OwnProductMixin",
    "ProductList",
    "ProductDetail",
    "InterestProfileView",
    "PushedEnterpriseViewSet",
    "MatchmakingFilter",
    "MatchmakingMixin",
    "MatchmakingList",
    "MatchmakingDetail",
    "MatchmakingStep",
    "STEPS",
    "STEP_VIEWS",
    "ValueReportDownload",
    "RecommendationList",
    "NeedFilter",
    "NeedMixin",
    "NeedList",
    "NeedDetail",
    "ExitCaseMixin",
    "ExitCaseList",
    "ExitCaseAnswer",
    "MembershipList",
    "RoundList",
    "ApplicationList",
    "DutyMixin",
    "PerformanceFormList",
    "PerformanceFormSubmit",
    "ProgressReportList",
    "ProgressReportSubmit",
    "FeeAttestationList",
]
