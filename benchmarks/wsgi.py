"""The product's WSGI application with the benchmark's URLconf (the bare view beside every product
URL), for benchmarks/load.py. Never used to serve patients."""

import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "symptomcheck.settings")

from django.conf import settings  # noqa: E402
from django.core.wsgi import get_wsgi_application  # noqa: E402

application = get_wsgi_application()
settings.ROOT_URLCONF = "benchmarks.bench_urls"
