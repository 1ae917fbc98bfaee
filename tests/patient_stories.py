"""Patient stories shared by the page tests and the browser tests.

Each story reaches one urgency level through the questionnaire with the real knowledge base.
They come from the vignette suite (tests/vignettes/suite.json) and tests/test_questionnaire.py.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Story:
    name: str
    level: str
    red_flags: tuple[str, ...] = ()
    procedure: str = ""
    days_ago: int = 0
    area: str = ""
    symptoms: tuple[str, ...] = ()
    trend: str = ""

    def screen_data(self) -> dict:
        return {"red_flags": list(self.red_flags)} if self.red_flags else {"none_of_these": "on"}

    def treatment_data(self) -> dict:
        return {"procedure": self.procedure, "days_ago": str(self.days_ago), "area": self.area}

    def symptoms_data(self) -> dict:
        data: dict = {"trend": self.trend}
        if self.symptoms:
            data["symptoms"] = list(self.symptoms)
        else:
            data["nothing_to_report"] = "on"
        return data


# A red flag on the first screen: straight to the emergency page.
BREATHING = Story("emergency-screen", "emergency", red_flags=("difficulty-breathing",))
# Vignette sc-015: tissue death after truSculpt iD; the result page says emergency.
DUSKY_SKIN = Story(
    "emergency-result",
    "emergency",
    procedure="trusculpt-id",
    days_ago=4,
    area="abdomen",
    symptoms=("pain-out-of-proportion", "dark-dusky-skin", "fever", "redness"),
    trend="worsening",
)
# Infection after RF microneedling (tests/test_questionnaire.py).
INFECTION = Story(
    "urgent",
    "urgent",
    procedure="rf-microneedling",
    days_ago=5,
    area="face",
    symptoms=("spreading-redness", "pus-or-drainage", "warmth"),
    trend="worsening",
)
# Vignette sc-004: numbness four weeks after truSculpt iD.
NUMBNESS = Story(
    "soon",
    "soon",
    procedure="trusculpt-id",
    days_ago=27,
    area="abdomen",
    symptoms=("numbness", "tingling"),
    trend="unchanged",
)
# Redness and warmth the day after truSculpt iD, getting better.
EXPECTED_REDNESS = Story(
    "self-care",
    "self_care",
    procedure="trusculpt-id",
    days_ago=1,
    area="abdomen",
    symptoms=("redness", "warmth"),
    trend="improving",
)

# A blocked blood vessel after HA filler: an emergency whose first call is the treating clinic
# (brief 8.1), and with vision loss beside it, emergency services.
BLOCKED_VESSEL = Story(
    "treating-clinic-now",
    "emergency",
    procedure="dermal-filler",
    days_ago=0,
    area="lips",
    symptoms=("skin-blanching", "severe-pain"),
)
VISION_LOSS = Story(
    "emergency-services",
    "emergency",
    procedure="dermal-filler",
    days_ago=0,
    area="nose",
    symptoms=("skin-blanching", "vision-loss"),
)

RESULT_STORIES = (DUSKY_SKIN, INFECTION, NUMBNESS, EXPECTED_REDNESS)


def walk(client, story: Story):
    """Answer every step with the Django test client; returns the last redirect."""
    response = client.post("/check/", story.screen_data())
    if story.red_flags:
        return response
    client.post("/check/treatment/", story.treatment_data())
    return client.post("/check/symptoms/", story.symptoms_data())
