from rest_framework import generics
from rest_framework.permissions import AllowAny

from boards.api.serializers import BoardSerializer
from boards.models import Board


class BoardList(generics.ListAPIView):
    """Public list of the boards and programmes served by the platform."""

    permission_classes = [AllowAny]
    authentication_classes = []
    serializer_class = BoardSerializer
    queryset = Board.objects.filter(is_active=True).order_by("id")
    filterset_fields = ["kind"]
    ordering_fields = ["slug", "id"]
