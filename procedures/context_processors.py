"""Clinic details that every patient page shows (emergency number always in reach).

Lazy, so a page that shows none of them (the admin) does not read the clinic's settings. The lazy
wrappers are made once: `lazy()` builds a class each time it is called.
"""

from django.utils.functional import SimpleLazyObject, lazy

from .clinic import current_clinic

_clinic_name = lazy(lambda: current_clinic().display_name, str)
_clinic_phone = lazy(lambda: current_clinic().daytime_phone, str)
_emergency_number = lazy(lambda: current_clinic().emergency_number, str)


def clinic(request):
    return {
        "CLINIC": SimpleLazyObject(current_clinic),
        "CLINIC_NAME": _clinic_name(),
        "CLINIC_PHONE": _clinic_phone(),
        "EMERGENCY_NUMBER": _emergency_number(),
    }
