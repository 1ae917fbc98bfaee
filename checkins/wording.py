"""What check-in emails and texts say, in the patient's language.

No health data: not the treatment's name, not a symptom, only the day and the clinic's numbers,
because an email or a text may be read by someone else.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _

from procedures.clinic import current_clinic

from .links import checkin_url, opt_out_url
from .models import Checkin


@dataclass(frozen=True)
class Wording:
    subject: str
    email: str
    sms: str
    headers: dict[str, str]


def checkin_message(checkin: Checkin, *, reminder: bool) -> Wording:
    """The check-in's email and text, or its one reminder."""
    enrolment = checkin.enrolment
    clinic = current_clinic()
    link, stop = checkin_url(checkin.pk), opt_out_url(enrolment.pk)
    with translation.override(enrolment.language):
        until = formats.date_format(timezone.localtime(checkin.link_expires_at, clinic.time_zone), "DATETIME_FORMAT")
        facts = {
            "name": enrolment.name,
            "day": checkin.day,
            "clinic": clinic.display_name,
            "phone": clinic.daytime_phone,
            "emergency": clinic.emergency_number,
            "link": link,
            "stop": stop,
            "until": until,
        }
        subject = _("Reminder: your check-in") if reminder else _("Your check-in from %(clinic)s") % facts
        email = "\n\n".join(
            [
                _("Hello %(name)s,") % facts,
                _("It is day %(day)s after your treatment. Is anything new or worse?") % facts,
                _("Please answer here. It takes about a minute:") % facts + f"\n{link}",
                _("This link works once, until %(until)s.") % facts,
                _("If you are worried now, call %(clinic)s on %(phone)s. In an emergency, call %(emergency)s.") % facts,
                _("To stop these check-ins, open this link:") % facts + f"\n{stop}",
            ]
        )
        sms = _("%(clinic)s: day %(day)s check-in. Anything new or worse? %(link)s Stop: %(stop)s") % facts
    # Mail programs show their own one-click "unsubscribe" with these (RFC 8058).
    headers = {"List-Unsubscribe": f"<{stop}>", "List-Unsubscribe-Post": "List-Unsubscribe=One-Click"}
    return Wording(subject, email, sms, headers)
