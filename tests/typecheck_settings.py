"""Settings for mypy's Django plugin only: every app of every Aigaq process (an organisation's
instance, the hub, the key service), so that all their models are known while type checking."""

from aigaq.settings import *  # noqa: F403
from aigaq.settings import INSTALLED_APPS

INSTALLED_APPS = [*INSTALLED_APPS, "aigaq.peers", "aigaq.hub", "aigaq.keyservice"]
