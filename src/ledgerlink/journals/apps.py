from django.apps import AppConfig


class JournalsConfig(AppConfig):
    name = "ledgerlink.journals"
    label = "journals"

    def ready(self) -> None:
        from ledgerlink.core.worker import register_job
        from ledgerlink.journals import checks, navigation  # noqa: F401  (checks registers the system checks)
        from ledgerlink.journals.import_jobs import run_due as import_due
        from ledgerlink.journals.posting import post_due

        navigation.register()
        register_job("post-journals", post_due, own_lane=True)
        register_job("import-files", import_due)

        from ledgerlink.journals import navigation_intake

        navigation_intake.register()
