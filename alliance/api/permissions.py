"""Who the caller acts for. An institution reaches the alliance API of a board only while it
is a member there (admitted or suspended) and the Jinzhong duties only while appointed; anyone
else gets the same 404 as for a missing object."""

from rest_framework.exceptions import NotFound
from rest_framework.permissions import BasePermission

from alliance import selectors
from boards.kernel.access import INSTITUTION_ROLES
from boards.kernel.api.permissions import NOT_FOUND
from boards.kernel.api.permissions import caller_institution as kernel_caller_institution


def caller_institution(request):
    """The institution the caller acts for on ``request.board`` (cached on the request)."""
    institution = kernel_caller_institution(request, *INSTITUTION_ROLES)
    if institution is None:
        raise NotFound(NOT_FOUND)
    return institution


class AllianceMember(BasePermission):
    def has_permission(self, request, view):
        if not selectors.is_member(request.board, caller_institution(request)):
            raise NotFound(NOT_FOUND)
        return True


class AppointedServiceInstitution(BasePermission):
    def has_permission(self, request, view):
        appointment = selectors.active_appointment(request.board, caller_institution(request))
        if appointment is None:
            raise NotFound(NOT_FOUND)
        request.appointment = appointment
        return True
