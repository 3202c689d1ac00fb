"""The WSGI application as `aigaq serve` runs it under gunicorn: Django behind `TrustedProxy`,
which believes X-Forwarded-For/-Proto from AIGAQ_TRUSTED_PROXY only (aigaq.ops.serving)."""

from django.conf import settings

from aigaq.ops.serving import TrustedProxy
from aigaq.wsgi import application as django_application

application = TrustedProxy(django_application, settings.TRUSTED_PROXY)
