"""Check-ins after the visit: schedules per treatment, the patients who agreed to them, each
check-in, the messages sent for them, and the audit trail of alerts that escalate.

Nothing identifying is stored without consent: an `Enrolment` exists only once the patient ticked
the consent box (or the clinic recorded their consent), and opting out erases the name, email and
phone at once (services.opt_out). The check-ins' answers reach staff only as contact requests in
the follow-up queue (procedures.ContactRequest), which keep their own retention.
"""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from procedures.models import LEVEL_CHOICES, ContactRequest


class CheckinSchedule(models.Model):
    """The check-in days of one treatment: seeded from the knowledge base, adjusted by staff."""

    procedure = models.SlugField(
        max_length=60, unique=True, help_text=_("The treatment, as the knowledge base names it.")
    )
    derived_from = models.CharField(
        max_length=40, blank=True, help_text=_("Knowledge-base release the days were first worked out from.")
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["procedure"]
        verbose_name = _("check-in schedule")

    def __str__(self) -> str:
        return self.procedure


class ScheduledDay(models.Model):
    """One check-in day of a schedule, with where it comes from (see checkins/schedule.py)."""

    schedule = models.ForeignKey(CheckinSchedule, on_delete=models.CASCADE, related_name="days")
    day = models.PositiveSmallIntegerField(
        validators=[MinValueValidator(1), MaxValueValidator(365)], help_text=_("Days after the treatment.")
    )
    high_risk = models.BooleanField(
        default=False,
        help_text=_("A complication that needs care today can begin now: a missed check-in is put in the queue."),
    )
    reason = models.TextField(blank=True, help_text=_("Where this day comes from."))

    class Meta:
        ordering = ["schedule", "day"]
        constraints = [models.UniqueConstraint(fields=["schedule", "day"], name="one_checkin_per_schedule_day")]
        verbose_name = _("check-in day")

    def __str__(self) -> str:
        return f"{self.schedule.procedure}: day {self.day}"


class Enrolment(models.Model):
    """A patient who agreed to check-ins after one treatment."""

    class Origin(models.TextChoices):
        RESULT_PAGE = "result", _("After a result")
        CLINIC = "clinic", _("Recorded by the clinic")

    created_at = models.DateTimeField(auto_now_add=True)
    origin = models.CharField(max_length=8, choices=Origin.choices, default=Origin.RESULT_PAGE)
    procedure = models.SlugField(max_length=60)
    treated_on = models.DateField()
    language = models.CharField(max_length=8, default="en")
    consent_text_version = models.CharField(max_length=20)
    name = models.CharField(max_length=120, blank=True)
    email = models.EmailField(blank=True)
    phone = models.CharField(max_length=40, blank=True)
    by_sms = models.BooleanField(default=False, help_text=_("Also send each check-in by text message."))
    opted_out_at = models.DateTimeField(null=True, blank=True)
    details_erased_at = models.DateTimeField(
        null=True, blank=True, help_text=_("When the name and contact details were erased.")
    )

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("check-in enrolment")

    @property
    def active(self) -> bool:
        return self.opted_out_at is None and self.details_erased_at is None

    def __str__(self) -> str:
        return f"#{self.pk} {self.procedure} ({self.treated_on:%Y-%m-%d})"


class Checkin(models.Model):
    """One check-in of one enrolment: sent, perhaps reminded once, answered or missed."""

    class Status(models.TextChoices):
        SCHEDULED = "scheduled", _("Scheduled")
        SENT = "sent", _("Sent")
        ANSWERED = "answered", _("Answered")
        MISSED = "missed", _("Missed")
        CANCELLED = "cancelled", _("Cancelled")

    class Answer(models.TextChoices):
        NOTHING_NEW = "nothing_new", _("Nothing new or worse")
        NEW_OR_WORSE = "new_or_worse", _("Something new or worse")

    enrolment = models.ForeignKey(Enrolment, on_delete=models.CASCADE, related_name="checkins")
    day = models.PositiveSmallIntegerField()
    high_risk = models.BooleanField(default=False)
    due_at = models.DateTimeField(db_index=True)
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.SCHEDULED, db_index=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    link_expires_at = models.DateTimeField(null=True, blank=True)
    reminded_at = models.DateTimeField(null=True, blank=True)
    answered_at = models.DateTimeField(null=True, blank=True)
    missed_at = models.DateTimeField(null=True, blank=True)
    answer = models.CharField(max_length=16, choices=Answer.choices, blank=True)
    urgency = models.CharField(max_length=16, choices=LEVEL_CHOICES, blank=True, help_text=_("The answer's level."))
    contact_request = models.ForeignKey(
        ContactRequest,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="checkins",
        help_text=_("The line this check-in put in the follow-up queue (a change, or a missed high-risk day)."),
    )

    class Meta:
        ordering = ["due_at"]
        constraints = [models.UniqueConstraint(fields=["enrolment", "day"], name="one_checkin_per_enrolment_day")]
        verbose_name = _("check-in")

    def __str__(self) -> str:
        return f"Check-in day {self.day} of enrolment #{self.enrolment_id}"


class OutgoingMessage(models.Model):
    """A check-in email or text message, or a text to the on-call line: the check-ins' outbox.

    Sent by `send_due_checkins` through procedures.outbox.send_due (retries with backoff, SKIP
    LOCKED). Unsent messages are deleted, and sent ones emptied, when the patient opts out.
    """

    class Channel(models.TextChoices):
        EMAIL = "email", _("Email")
        SMS = "sms", _("Text message")

    created_at = models.DateTimeField(auto_now_add=True)
    enrolment = models.ForeignKey(Enrolment, null=True, blank=True, on_delete=models.CASCADE, related_name="messages")
    checkin = models.ForeignKey(Checkin, null=True, blank=True, on_delete=models.CASCADE, related_name="messages")
    channel = models.CharField(max_length=8, choices=Channel.choices)
    recipient = models.CharField(max_length=254)
    subject = models.CharField(max_length=200, blank=True)
    body = models.TextField()
    headers = models.JSONField(default=dict, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    next_attempt_at = models.DateTimeField(db_index=True)
    sent_at = models.DateTimeField(null=True, blank=True, db_index=True)
    last_error = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("check-in message")

    def __str__(self) -> str:
        return f"{self.get_channel_display()} #{self.pk}"


class EscalationSettings(models.Model):
    """Who hears about an urgent or emergency request nobody acknowledged in time (one row, pk 1).

    First the on-call line (clinic settings) and the on-call email here; then the clinical lead.
    A blank field keeps the environment's default (settings.CHECKIN_*).
    """

    SINGLETON_PK = 1

    on_call_email = models.EmailField(blank=True, help_text=_("Emailed first, with a text to the on-call line."))
    clinical_lead_name = models.CharField(max_length=120, blank=True)
    clinical_lead_email = models.EmailField(blank=True)
    clinical_lead_phone = models.CharField(max_length=40, blank=True)
    lead_after_minutes = models.PositiveIntegerField(
        null=True,
        blank=True,
        validators=[MinValueValidator(1)],
        help_text=_("Minutes after the on-call step before the clinical lead is told, if still unacknowledged."),
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("escalation settings")
        verbose_name_plural = _("escalation settings")

    def save(self, *args, **kwargs) -> None:
        self.pk = self.SINGLETON_PK
        super().save(*args, **kwargs)

    def __str__(self) -> str:
        return str(_("Escalation settings"))


class AlertEvent(models.Model):
    """One timestamped step of a queue line's alert: raised by a check-in, escalated, and to whom.

    One row per step and request (a unique constraint): two servers escalating at once cannot
    both send.
    """

    class Step(models.TextChoices):
        RAISED = "raised", _("Raised by a check-in")
        MISSED = "missed", _("Missed high-risk check-in")
        ON_CALL = "on_call", _("Escalated to on-call")
        CLINICAL_LEAD = "clinical_lead", _("Escalated to the clinical lead")

    contact_request = models.ForeignKey(ContactRequest, on_delete=models.CASCADE, related_name="alert_events")
    step = models.CharField(max_length=16, choices=Step.choices)
    at = models.DateTimeField()
    sent_to = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["at", "pk"]
        constraints = [models.UniqueConstraint(fields=["contact_request", "step"], name="one_alert_event_per_step")]
        verbose_name = _("alert event")

    def __str__(self) -> str:
        return f"#{self.contact_request_id} {self.get_step_display()}"


class AlertVerdict(models.Model):
    """The clinician's own verdict on an alert: was it necessary? (the weekly metrics read it)."""

    contact_request = models.OneToOneField(ContactRequest, on_delete=models.CASCADE, related_name="alert_verdict")
    necessary = models.BooleanField(help_text=_("Tick when this alert needed the clinic to act."))
    note = models.CharField(max_length=300, blank=True)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("clinician's verdict on the alert")

    def __str__(self) -> str:
        return f"#{self.contact_request_id}: {'necessary' if self.necessary else 'not necessary'}"
