from datetime import timedelta

from django.apps import AppConfig


class OperationsConfig(AppConfig):
    name = "ledgerlink.operations"
    label = "operations"

    def ready(self) -> None:
        from ledgerlink.core.worker import register_job
        from ledgerlink.operations import navigation
        from ledgerlink.operations.attention import rank
        from ledgerlink.operations.notices import send_notices
        from ledgerlink.operations.panels import company_problems, operator_attention
        from ledgerlink.operations.summary import summarize
        from ledgerlink.web.registry import registry

        navigation.register()
        registry.add_panel("home", operator_attention)
        registry.add_panel("home", company_problems)
        registry.add_panel("journals", company_problems)
        # The console's figures are fresh to the half-minute; notices are about days.
        register_job("summarize", summarize, every=timedelta(seconds=30))
        register_job("attention", rank, every=timedelta(seconds=30))
        register_job("notices", send_notices, every=timedelta(minutes=1))
