"""The evidence log's proofs (RFC 9162) for the board's institutions, regulators and staff: the latest
signed checkpoint, an entry's inclusion proof and the consistency proof between two tree sizes.
Only hashes: no entry's content is shown (the caller holds the entry it checks, e.g. in a filing)."""

from typing import Any

from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import generics, serializers
from rest_framework.request import Request
from rest_framework.response import Response

from boards.kernel import evidence_tree
from boards.kernel.access import INSTITUTION_ROLES, STAFF_ROLES
from boards.kernel.api.permissions import board_role_permission
from boards.kernel.errors import DomainError, NotFound
from boards.kernel.models import EvidenceHead, Role
from boards.kernel.requests import board_of

PROOF_READERS = (*STAFF_ROLES, *INSTITUTION_ROLES, Role.REGULATOR)

CheckpointSerializer = inline_serializer("EvidenceCheckpoint", {
    "checkpoint": serializers.CharField(help_text="签名内容（规范 JSON）"),
    "signature": serializers.CharField(help_text="签名（十六进制）"),
})
InclusionSerializer = inline_serializer("EvidenceInclusionProof", {
    "index": serializers.IntegerField(), "tree_size": serializers.IntegerField(),
    "leaf_hash": serializers.CharField(), "path": serializers.ListField(child=serializers.CharField()),
})
ConsistencySerializer = inline_serializer("EvidenceConsistencyProof", {
    "first": serializers.IntegerField(), "second": serializers.IntegerField(),
    "path": serializers.ListField(child=serializers.CharField()),
})


def _size(request: Request, name: str, default: int, maximum: int) -> int:
    raw = request.query_params.get(name)
    if raw is None:
        return default
    if not raw.isdigit() or not 1 <= int(raw) <= maximum:
        raise DomainError(f"树大小 {name} 须为 1 到 {maximum} 之间的整数（当前日志共 {maximum} 条）。",
                          code="invalid_tree_size", details={name: raw, "tree_size": maximum})
    return int(raw)


class EvidenceView(generics.GenericAPIView):
    permission_classes = [board_role_permission(*PROOF_READERS)]

    def tree_size(self) -> int:
        head = EvidenceHead.objects.filter(board=board_of(self.request)).first()
        if head is None or not head.last_seq:
            raise NotFound("该专板的存证日志还是空的。")
        return head.last_seq


class EvidenceCheckpointView(EvidenceView):
    """The board's latest signed checkpoint (verify with the key at /evidence/public-key/)."""

    @extend_schema(responses=CheckpointSerializer)
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        checkpoint = evidence_tree.latest_checkpoint(board_of(request))
        if checkpoint is None:
            raise NotFound("该专板的存证日志还没有检查点。")
        return Response(evidence_tree.checkpoint_document(checkpoint))


class EvidenceInclusionView(EvidenceView):
    """The inclusion proof of entry ``seq`` in the tree of ``tree_size`` leaves (default: the whole tree)."""

    @extend_schema(parameters=[OpenApiParameter("seq", int, OpenApiParameter.PATH),
                               OpenApiParameter("tree_size", int)], responses=InclusionSerializer)
    def get(self, request: Request, *args: Any, seq: int, **kwargs: Any) -> Response:
        size = self.tree_size()
        tree_size = _size(request, "tree_size", size, size)
        if not 1 <= seq <= tree_size:
            raise NotFound(f"树大小 {tree_size} 中没有第 {seq} 条存证记录。")
        return Response(evidence_tree.inclusion_proof(board_of(request), seq - 1, tree_size))


class EvidenceConsistencyView(EvidenceView):
    """The consistency proof that the tree of ``second`` leaves (default: the whole tree) extends the
    tree of ``first`` leaves, e.g. the size printed on a filing."""

    @extend_schema(parameters=[OpenApiParameter("first", int, required=True),
                               OpenApiParameter("second", int)], responses=ConsistencySerializer)
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        size = self.tree_size()
        second = _size(request, "second", size, size)
        if "first" not in request.query_params:
            raise DomainError("请给出 first（较早的树大小）。", code="invalid_tree_size",
                              details={"first": None})
        first = _size(request, "first", 1, second)
        return Response(evidence_tree.consistency_proof(board_of(request), first, second))
