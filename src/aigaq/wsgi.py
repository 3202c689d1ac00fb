import os

from django.core.wsgi import get_wsgi_application

from aigaq.linkage import warm_up

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "aigaq.settings")
application = get_wsgi_application()
# Match alerts run compiled kernels; loading them (about a second, several the first time on a
# machine) belongs to start-up, not to the first request that records a suspect.
warm_up()
