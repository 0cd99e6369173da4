from django.apps import AppConfig


class WebhooksConfig(AppConfig):
    name = "ledgerlink.webhooks"
    label = "webhooks"

    def ready(self) -> None:
        from ledgerlink.core.worker import register_job
        from ledgerlink.webhooks import navigation
        from ledgerlink.webhooks.worker import run_deliveries

        navigation.register()
        register_job("deliver-webhooks", run_deliveries)
