from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "boards.accounts"
    label = "accounts"
    verbose_name = "账号安全"

    def ready(self) -> None:
        from django.contrib import admin
        from django.contrib.auth.signals import user_logged_in
        from django_otp.plugins.otp_static.models import StaticDevice
        from django_otp.plugins.otp_totp.models import TOTPDevice

        from boards.accounts import authlog
        from boards.accounts.middleware import stamp_login

        authlog.connect_signals()
        # Before the log's receiver: the session's login time exists before anything else runs.
        user_logged_in.connect(stamp_login, dispatch_uid="accounts_session_stamp")
        # django-otp's device admins would let a superuser read secrets and delete devices around
        # the reset service (which records evidence): devices change only through secondfactor.py.
        for model in (TOTPDevice, StaticDevice):
            if admin.site.is_registered(model):
                admin.site.unregister(model)
