from django.apps import AppConfig


class DependenciesConfig(AppConfig):
    name = "tandem.dependencies"
    label = "dependencies"
    verbose_name = "Dependencies"
