"""Clinic details that every patient page shows (emergency number always in reach).

Lazy, so a page that shows none of them (the admin) does not read the clinic's settings.
"""

from django.utils.functional import SimpleLazyObject, lazy

from .clinic import current_clinic


def clinic(request):
    return {
        "CLINIC": SimpleLazyObject(current_clinic),
        "CLINIC_NAME": lazy(lambda: current_clinic().display_name, str)(),
        "CLINIC_PHONE": lazy(lambda: current_clinic().daytime_phone, str)(),
        "EMERGENCY_NUMBER": lazy(lambda: current_clinic().emergency_number, str)(),
    }
