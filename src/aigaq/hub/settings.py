"""Settings of the hub process (`aigaq network hub ...`): its own database, `hub.sqlite3` in
AIGAQ_DATA_DIR (or AIGAQ_DATABASE_URL), its signing key `signing-key` beside it. The key
service's URL and public keys are kept in the database by `aigaq network hub init`."""

from aigaq.envconfig import service_settings

globals().update(service_settings(app="aigaq.hub", urlconf="aigaq.hub.urls", database_file="hub.sqlite3"))
