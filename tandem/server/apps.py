from django.apps import AppConfig


class ServerConfig(AppConfig):
    name = "tandem.server"
    label = "server"
    verbose_name = "Tandem server"
