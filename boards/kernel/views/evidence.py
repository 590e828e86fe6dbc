"""The evidence log's public face: the deployment's checkpoint public key (README "Operations")."""

from django.http import HttpRequest, JsonResponse
from django.views.decorators.http import require_GET

from boards.kernel import evidence_tree


@require_GET
def public_key(request: HttpRequest) -> JsonResponse:
    """The key every checkpoint is signed with, as ``scripts/verify_filing.py --public-key`` reads it."""
    return JsonResponse(evidence_tree.signer().public_key(), json_dumps_params={"ensure_ascii": False})
