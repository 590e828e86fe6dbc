from typing import Any

from django.db.models import QuerySet
from django.http import FileResponse, HttpResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import generics
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response

from boards.kernel import notifications
from boards.kernel.access import membership_institution
from boards.kernel.api.permissions import BoardScopedViewMixin, board_role_permission, caller_roles
from boards.kernel.api.rows import Computed, RowListMixin, Rows, url_per_row
from boards.kernel.api.serializers import (
    BoardSerializer,
    ErrorSerializer,
    FilingSerializer,
    MeSerializer,
    NotificationSerializer,
)
from boards.kernel.errors import Conflict
from boards.kernel.filings import READER_ROLES, pdf_response
from boards.kernel.models import ApiKey, Board, Filing, FilingState, Notification
from boards.kernel.requests import board_of


class BoardList(generics.ListAPIView):
    """Public list of the boards and programmes served by the platform."""

    permission_classes = [AllowAny]
    authentication_classes = []
    serializer_class = BoardSerializer
    queryset = Board.objects.filter(is_active=True).order_by("id")
    filterset_fields = ["kind"]
    ordering_fields = ["slug", "id"]


class MeView(generics.GenericAPIView):
    """The caller's roles and institution on this board; 404 when not a member."""

    permission_classes = [board_role_permission()]
    serializer_class = MeSerializer

    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        roles = caller_roles(request)
        api_key = request.auth if isinstance(request.auth, ApiKey) else None
        institution = (api_key.institution if api_key
                       else membership_institution(request.user, board_of(request), *roles))
        return Response(MeSerializer({
            "board": board_of(request), "username": request.user.get_username(),
            "roles": sorted(roles), "institution": institution, "via_api_key": api_key is not None,
        }).data)


class OwnNotificationsMixin(BoardScopedViewMixin):
    model = Notification
    permission_classes = [board_role_permission()]
    serializer_class = NotificationSerializer

    def filter_for_caller(self, queryset: QuerySet[Any]) -> QuerySet[Any]:
        return queryset.filter(user=self.request.user)


class NotificationList(RowListMixin, OwnNotificationsMixin, generics.ListAPIView):
    """The caller's own notifications on this board, newest first (``?read_at__isnull=true``: unread)."""

    filterset_fields = {"read_at": ["isnull"]}


class NotificationRead(OwnNotificationsMixin, generics.GenericAPIView):
    """Mark one of the caller's notifications read; marking it again keeps the first time."""

    @extend_schema(request=None, responses=NotificationSerializer)
    def post(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        notification = notifications.mark_read(self.get_object())
        return Response(self.get_serializer(notification).data)


class FilingViewMixin(BoardScopedViewMixin):
    model = Filing
    permission_classes = [board_role_permission(*READER_ROLES)]
    serializer_class = FilingSerializer

    def filter_for_caller(self, queryset: QuerySet[Any]) -> QuerySet[Any]:
        return queryset.select_related("board")


class FilingList(RowListMixin, FilingViewMixin, generics.ListAPIView):
    """The board's filings with regulators, newest first (exchange staff and regulators)."""

    row_fields = {
        "addressee_name": Computed(("addressee",), lambda row, context: context["board"].regulator_name(
            row["addressee"])),
        "download_url": Computed(("id", "state"), lambda row, context: context["download_url"](pk=row["id"])
                                 if row["state"] == FilingState.RENDERED else None),
    }

    def row_context(self, values: Rows) -> dict[str, Any]:
        board = board_of(self.request)
        return {"board": board, "download_url": url_per_row("api-filing-download", ("pk",), board=board.slug)}

    filterset_fields = ["year", "state", "addressee", "kind"]
    ordering_fields = ["year", "sequence", "created_at"]


class FilingDetail(FilingViewMixin, generics.RetrieveAPIView):
    """One filing; ``sha256`` is the hash of its PDF, also written to the evidence log."""


class FilingDownload(FilingViewMixin, generics.GenericAPIView):
    """The filing's PDF; 409 while it is not rendered yet."""

    @extend_schema(responses={(200, "application/pdf"): OpenApiResponse(OpenApiTypes.BINARY),
                              409: OpenApiResponse(ErrorSerializer, description="报备文件尚未生成")})
    def get(self, request: Request, *args: Any, **kwargs: Any) -> HttpResponse | FileResponse:
        filing = self.get_object()
        if filing.state != FilingState.RENDERED:
            state = filing.get_state_display()
            raise Conflict(f"报备文件 {filing.number} 尚未生成（状态：{state}），请稍后再下载。",
                           details={"state": filing.state})
        return pdf_response(filing)
