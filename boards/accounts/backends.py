"""The login backend: Django's ModelBackend, whose session user comes with its board roles."""

from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend

from boards.kernel.access import with_roles


class RolesModelBackend(ModelBackend):
    """ModelBackend whose ``get_user`` (the session's user, once per request) reads the user's active
    roles in the same query, so role checks (boards.kernel.access.user_roles) run none: a role
    granted or revoked counts from the next request, as before."""

    def get_user(self, user_id: Any) -> Any:
        user = with_roles(get_user_model()._default_manager.filter(pk=user_id)).first()
        return user if user is not None and self.user_can_authenticate(user) else None
