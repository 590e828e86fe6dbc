"""The boards app's admin registry (Django's autodiscovery imports this module): the kernel's
model admins and the enterprise domain's."""

from boards.enterprises.admin import admission, custody, incentives, registry, standards  # noqa: F401
from boards.kernel.admin import base, hardening  # noqa: F401
