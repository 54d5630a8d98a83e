from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "opendvc.accounts"
    verbose_name = _("Tài khoản")

    def ready(self) -> None:
        from opendvc.accounts import receivers  # noqa: F401
