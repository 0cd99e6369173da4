from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "ledgerlink.core"
    label = "core"

    def ready(self) -> None:
        from django.utils.module_loading import autodiscover_modules

        from ledgerlink.core import (
            checks,  # noqa: F401  (registers the system checks)
            postgres,
        )

        autodiscover_modules("messages")  # every app's message codes (core/messages.py)
        postgres.keep_converted_statements()
