from rest_framework.settings import api_settings
from rest_framework.throttling import SimpleRateThrottle

from boards.kernel.models import ApiKey


class ApiKeyThrottle(SimpleRateThrottle):
    """Rate ``api_key`` per API key (by prefix), per user for session callers.
    Anonymous calls (the public endpoints) are not counted here."""

    scope = "api_key"

    def get_rate(self):
        # DRF binds THROTTLE_RATES at import; reading the live settings honours overrides.
        return api_settings.DEFAULT_THROTTLE_RATES[self.scope]

    def get_cache_key(self, request, view):
        if isinstance(request.auth, ApiKey):
            ident = f"key:{request.auth.prefix}"
        elif request.user and request.user.is_authenticated:
            ident = f"user:{request.user.pk}"
        else:
            return None
        return self.cache_format % {"scope": self.scope, "ident": ident}
