from django.apps import AppConfig


class RisksharingConfig(AppConfig):
    name = "risksharing"
