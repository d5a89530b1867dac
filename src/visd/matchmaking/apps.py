from django.apps import AppConfig
from django.core import checks
from django.utils.translation import gettext_lazy as _


class MatchmakingConfig(AppConfig):
    name = "visd.matchmaking"
    label = "matchmaking"
    verbose_name = _("Matchmaking")

    def ready(self):
        from . import signals  # noqa: F401  (connects the incremental re-tagging hooks)
        from .checks import check_matching_encoder

        checks.register(check_matching_encoder, "matchmaking")
