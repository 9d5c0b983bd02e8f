from django.apps import AppConfig


class JobsConfig(AppConfig):
    name = "tandem.jobs"
    label = "jobs"
    verbose_name = "Background jobs"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # The periodic jobs register themselves when their module is imported.
        from tandem.jobs import alerts, deliveries, imports, rhythm, schedules  # noqa: F401, PLC0415

        # A committed change to the plan queues a risk-alert sweep.
        alerts.connect()
