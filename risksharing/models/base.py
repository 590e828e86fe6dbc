"""Shared field helpers of the risk-sharing models."""

from django.conf import settings
from django.db import models

from boards.kernel.digits import MONEY, DecimalDigits
from boards.kernel.models import Deadline

__all__ = ["MONEY", "PERCENT"]

PERCENT: DecimalDigits = {"max_digits": 5, "decimal_places": 2}


def _actor(related_name="+", **kwargs):
    return models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                             related_name=related_name, **kwargs)


def _clock(label):
    return models.ForeignKey(Deadline, on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
                             verbose_name=label)
