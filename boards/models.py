"""The boards app's model registry. Django imports this module; the models live in two rooms:
the kernel's (``boards.kernel.models``) and the enterprise domain's (``boards.enterprises.models``).
Code imports from those packages; migrations and Django's app registry come through here."""

from boards.enterprises.models import *  # noqa: F401,F403
from boards.kernel.models import *  # noqa: F401,F403
