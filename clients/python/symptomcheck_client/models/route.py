from enum import StrEnum


class Route(StrEnum):
    CLINIC_TODAY = "clinic_today"
    CLINIC_WITHIN_DAYS = "clinic_within_days"
    EMERGENCY_SERVICES = "emergency_services"
    SELF_CARE = "self_care"
    TREATING_CLINIC_NOW = "treating_clinic_now"

    def __str__(self) -> str:
        return str(self.value)
