from django.apps import AppConfig


class DemoConfig(AppConfig):
    """The demo organisation and its synthetic cases (`aigaq demo`), outside the product apps."""

    name = "aigaq.demo"
    label = "demo"
