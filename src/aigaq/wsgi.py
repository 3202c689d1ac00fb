import gc
import os

from django.core.wsgi import get_wsgi_application

from aigaq.linkage import warm_up

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "aigaq.settings")
application = get_wsgi_application()
# Match alerts run compiled kernels; loading them (about a second, several the first time on a
# machine) belongs to start-up, not to the first request that records a suspect.
warm_up()
# Everything loaded so far (Django, numpy, numba, the compiled kernels) lives as long as the
# process. Moving it out of the garbage collector's reach keeps full collections, which otherwise
# walk all of it, to the objects of requests: on the matching benchmark one add in a hundred waited
# 260 ms for a full collection of a large heap.
gc.collect()
gc.freeze()
