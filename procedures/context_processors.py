"""Clinic details that every patient page shows (emergency number always in reach)."""

from django.conf import settings


def clinic(request):
    return {
        "CLINIC_NAME": settings.CLINIC_NAME,
        "CLINIC_PHONE": settings.CLINIC_PHONE,
        "EMERGENCY_NUMBER": settings.EMERGENCY_NUMBER,
    }
