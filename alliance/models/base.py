"""Shared field helpers of the alliance models."""

from django.conf import settings
from django.db import models

USER = settings.AUTH_USER_MODEL


def _user_fk(label, **kwargs):
    return models.ForeignKey(USER, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
                             verbose_name=label, **kwargs)
