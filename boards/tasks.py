"""The boards app's Celery tasks (Celery autodiscovers ``<app>.tasks``): the kernel's and the
enterprise domain's."""

from boards.enterprises import tasks as enterprise_tasks  # noqa: F401
from boards.kernel import filing_tasks, tasks  # noqa: F401
