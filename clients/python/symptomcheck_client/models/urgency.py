from enum import StrEnum


class Urgency(StrEnum):
    EMERGENCY = "emergency"
    SELF_CARE = "self_care"
    SOON = "soon"
    URGENT = "urgent"

    def __str__(self) -> str:
        return str(self.value)
