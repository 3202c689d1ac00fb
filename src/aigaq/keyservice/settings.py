"""Settings of the key service's process (`aigaq network keyservice ...`): its own database in
AIGAQ_DATA_DIR (keyservice.sqlite3) or AIGAQ_DATABASE_URL, and its limits per member."""

from aigaq.envconfig import envint, service_settings
from aigaq.keyservice import limits

globals().update(service_settings(app="aigaq.keyservice", urlconf="aigaq.keyservice.urls",
                                  database_file="keyservice.sqlite3"))

KEYSERVICE_PER_HOUR = envint("AIGAQ_KEYSERVICE_PER_HOUR", limits.PER_HOUR)
KEYSERVICE_PER_DAY = envint("AIGAQ_KEYSERVICE_PER_DAY", limits.PER_DAY)
KEYSERVICE_MAX_BATCH = envint("AIGAQ_KEYSERVICE_MAX_BATCH", limits.MAX_BATCH)
