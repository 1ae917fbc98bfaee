"""The project's URLs plus a bare JSON view, so the benchmark measures against plain Django on the
same middleware in the same run (used only by benchmarks/bench.py)."""

from django.http import JsonResponse
from django.urls import include, path
from django.views.decorators.csrf import csrf_exempt


@csrf_exempt
def bare(request):
    """GET, or POST with a body it ignores (the yardstick for the API's POSTs)."""
    return JsonResponse({"ok": True})


urlpatterns = [path("bench/bare", bare), path("", include("symptomcheck.urls"))]
