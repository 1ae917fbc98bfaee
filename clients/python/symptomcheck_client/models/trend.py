from enum import StrEnum


class Trend(StrEnum):
    IMPROVING = "improving"
    UNCHANGED = "unchanged"
    WORSENING = "worsening"

    def __str__(self) -> str:
        return str(self.value)
