from celery import shared_task

from boards.accounts import authlog


@shared_task
def purge_auth_log():
    """Daily (settings.PERIODIC_TASKS): drop authentication events past their retention."""
    return authlog.purge()
