from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AgenciesConfig(AppConfig):
    name = "opendvc.agencies"
    verbose_name = _("Cơ quan và đơn vị hành chính")
