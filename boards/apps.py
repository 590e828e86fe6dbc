from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BoardsConfig(AppConfig):
    """The boards app holds two rooms, each wired here: the kernel first, then the enterprise
    domain, which registers itself with the kernel like every other app."""

    name = "boards"
    verbose_name = _("专板内核")

    def ready(self) -> None:
        from boards.enterprises import wiring as enterprise_wiring
        from boards.kernel import wiring as kernel_wiring

        kernel_wiring.ready()
        enterprise_wiring.ready()
