"""The clinical knowledge base as staff edit it (the "working copy").

Patients never read these tables directly: publishing freezes them into a
`KnowledgeBaseRelease`, and the triage engine runs on a snapshot of the latest release. Every
content row has a slug (or a pair of slugs) as natural key, so fixtures and releases load on any
database, and a review status so that staff can see what has not been published yet.

Procedure-specific facts (onset window, frequency, evidence grade) live on the link between a
procedure and a complication; a complication shared by many procedures is a single row.

Patient text is in English in columns of its own (`Symptom.label`) and in every other language of
settings.LANGUAGES in the row's one `translations` JSON field, `{"<code>": {"<field>": "…"}}`
(kb_schema.Text, procedures/languages.py, docs/decisions/0001-translations.md).
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from .triage import scales


def _choices(specs) -> list[tuple[str, str]]:
    """Field choices from one of the closed vocabularies of procedures/triage/scales.py."""
    return [(spec.value, _(spec.label)) for spec in specs]


# Urgency levels (lowest first), trends, evidence grades and frequency bands are declared once,
# in procedures/triage/scales.py; these are their field choices.
LEVEL_CHOICES = _choices(scales.URGENCY_LEVELS)
TREND_CHOICES = _choices(scales.TRENDS_SPEC)
EVIDENCE_GRADE_CHOICES = _choices(scales.EVIDENCE_GRADES)
FREQUENCY_BAND_CHOICES = _choices(scales.FREQUENCY_BANDS)
ROUTE_CHOICES = _choices(scales.ROUTES)


class ContentStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    IN_REVIEW = "in_review", _("In review")
    PUBLISHED = "published", _("Published")


class SymptomGroup(models.TextChoices):
    SKIN = "skin", _("Skin")
    SHAPE = "shape", _("Shape and lumps")
    PAIN = "pain", _("Pain")
    NERVES = "nerves", _("Nerves and muscles")
    EYES = "eyes", _("Eyes")
    BREATHING = "breathing", _("Breathing and swallowing")
    WHOLE_BODY = "whole body", _("Whole body")


class SlugManager(models.Manager):
    def get_by_natural_key(self, slug):
        return self.get(slug=slug)


class SourceManager(models.Manager):
    def get_by_natural_key(self, code):
        return self.get(code=code)


class ReviewedContent(models.Model):
    """Review state and provenance shared by every content model."""

    status = models.CharField(max_length=16, choices=ContentStatus.choices, default=ContentStatus.DRAFT, db_index=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_("Clinician who last reviewed this content."),
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)
    # Fingerprint of the values last loaded from fixtures/; a row whose values no longer match
    # it has been edited by staff, and the loader leaves it alone (see load_knowledge_base).
    loaded_hash = models.CharField(max_length=64, blank=True, editable=False)

    class Meta:
        abstract = True


class Source(ReviewedContent):
    code = models.CharField(max_length=16, unique=True, help_text=_("As in the clinical brief, e.g. S7."))
    title = models.CharField(max_length=300)
    url = models.URLField(max_length=500, blank=True)
    grade = models.CharField(max_length=1, choices=EVIDENCE_GRADE_CHOICES)

    history = HistoricalRecords()
    objects = SourceManager()

    class Meta:
        ordering = ["code"]

    def natural_key(self):
        return (self.code,)

    def __str__(self) -> str:
        return f"{self.code} ({self.grade}): {self.title}"


class Area(ReviewedContent):
    slug = models.SlugField(max_length=50, unique=True)
    name = models.CharField(max_length=100)
    within = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="finer",
        help_text=_("The broader area this one lies within (lips within face): what holds there holds here."),
    )
    position = models.PositiveSmallIntegerField(default=0)
    translations = models.JSONField(default=dict, blank=True)

    history = HistoricalRecords()
    objects = SlugManager()

    class Meta:
        ordering = ["position", "slug"]

    def natural_key(self):
        return (self.slug,)

    def __str__(self) -> str:
        return self.name


class Symptom(ReviewedContent):
    slug = models.SlugField(max_length=60, unique=True)
    label = models.CharField(max_length=200, help_text=_("In the patient's words."))
    group = models.CharField(max_length=20, choices=SymptomGroup.choices)
    position = models.PositiveSmallIntegerField(default=0)
    translations = models.JSONField(default=dict, blank=True)

    history = HistoricalRecords()
    objects = SlugManager()

    class Meta:
        ordering = ["position", "slug"]

    def natural_key(self):
        return (self.slug,)

    def __str__(self) -> str:
        return f"{self.label} ({self.slug})"


class Procedure(ReviewedContent):
    slug = models.SlugField(max_length=60, unique=True)
    name = models.CharField(max_length=150)
    aliases = models.TextField(blank=True, help_text=_("Brand and other names patients know, one per line."))
    kind = models.CharField(max_length=60, blank=True)
    description = models.TextField()
    position = models.PositiveSmallIntegerField(default=0)
    translations = models.JSONField(default=dict, blank=True)

    history = HistoricalRecords()
    objects = SlugManager()

    class Meta:
        ordering = ["position", "slug"]

    def natural_key(self):
        return (self.slug,)

    @property
    def alias_list(self) -> list[str]:
        return [line.strip() for line in self.aliases.splitlines() if line.strip()]

    def __str__(self) -> str:
        return self.name


class Complication(ReviewedContent):
    slug = models.SlugField(max_length=60, unique=True)
    name = models.CharField(max_length=200)
    summary = models.TextField(help_text=_("What it is, in plain words."))
    what_to_do = models.TextField(help_text=_("What the patient should do now."))
    self_care = models.TextField(blank=True, help_text=_("Care at home while waiting, if any."))
    escalation = models.TextField(help_text=_("What would make it more urgent."))
    evidence_note = models.TextField(blank=True, help_text=_("Honest word on weak evidence."))
    default_urgency = models.CharField(max_length=16, choices=LEVEL_CHOICES)
    cross_cutting = models.BooleanField(
        default=False, help_text=_("Applies to every procedure (red flags such as sepsis).")
    )
    default_onset_min_days = models.PositiveIntegerField(default=0)
    default_onset_max_days = models.PositiveIntegerField(null=True, blank=True)
    typical_areas = models.ManyToManyField(Area, blank=True, related_name="+")
    sources = models.ManyToManyField(Source, related_name="complications")
    translations = models.JSONField(default=dict, blank=True)

    history = HistoricalRecords(m2m_fields=[typical_areas, sources])
    objects = SlugManager()

    class Meta:
        ordering = ["slug"]

    def natural_key(self):
        return (self.slug,)

    def clean(self) -> None:
        check_window(self.default_onset_min_days, self.default_onset_max_days, "default_onset")

    def __str__(self) -> str:
        return self.name


def check_window(minimum: int | None, maximum: int | None, prefix: str) -> None:
    if minimum is not None and maximum is not None and minimum > maximum:
        raise ValidationError({f"{prefix}_max_days": _("The latest day cannot be before the earliest day.")})


class ProcedureComplicationManager(models.Manager):
    def get_by_natural_key(self, procedure, complication):
        return self.get(procedure__slug=procedure, complication__slug=complication)


class ProcedureComplication(ReviewedContent):
    """A complication as it applies to one procedure: when it starts, how often, how sure."""

    procedure = models.ForeignKey(Procedure, on_delete=models.CASCADE, related_name="links")
    complication = models.ForeignKey(Complication, on_delete=models.CASCADE, related_name="links")
    onset_min_days = models.PositiveIntegerField(help_text=_("Earliest usual onset, days after treatment."))
    onset_max_days = models.PositiveIntegerField(
        null=True, blank=True, help_text=_("Latest usual onset; empty = no upper limit.")
    )
    frequency = models.CharField(max_length=300, blank=True)
    frequency_band = models.CharField(max_length=16, choices=FREQUENCY_BAND_CHOICES, default=scales.UNKNOWN_FREQUENCY)
    evidence_grade = models.CharField(max_length=1, choices=EVIDENCE_GRADE_CHOICES)
    urgency = models.CharField(max_length=16, choices=LEVEL_CHOICES)
    note = models.TextField(blank=True)
    emergency_route = models.CharField(
        max_length=24,
        choices=ROUTE_CHOICES,
        blank=True,
        help_text=_(
            "Where to go first when this complication makes it an emergency after this procedure "
            "(empty = emergency services). A blocked vessel after HA filler: the treating clinic, now."
        ),
    )
    emergency_route_fallback = models.TextField(
        blank=True, help_text=_("What to do if that place cannot be reached in time (empty = the route's own words).")
    )
    translations = models.JSONField(default=dict, blank=True)

    history = HistoricalRecords()
    objects = ProcedureComplicationManager()

    class Meta:
        ordering = ["procedure", "complication"]
        constraints = [models.UniqueConstraint(fields=["procedure", "complication"], name="unique_procedure_link")]
        verbose_name = "procedure–complication link"

    def natural_key(self):
        return (self.procedure.slug, self.complication.slug)

    natural_key.dependencies = ["procedures.procedure", "procedures.complication"]

    def clean(self) -> None:
        check_window(self.onset_min_days, self.onset_max_days, "onset")

    def __str__(self) -> str:
        return f"{self.procedure.slug} → {self.complication.slug}"


class WarningSignManager(models.Manager):
    def get_by_natural_key(self, complication, symptom):
        return self.get(complication__slug=complication, symptom__slug=symptom)


class WarningSign(ReviewedContent):
    """A symptom that points to a complication, and the level it forces when present."""

    complication = models.ForeignKey(Complication, on_delete=models.CASCADE, related_name="warning_signs")
    symptom = models.ForeignKey(Symptom, on_delete=models.PROTECT, related_name="warning_signs")
    weight = models.FloatField(
        validators=[MinValueValidator(0.01), MaxValueValidator(1.0)],
        help_text=_("How strongly it points here: 1 = nearly proves it, 0.1 = weak and common."),
    )
    urgency = models.CharField(max_length=16, choices=LEVEL_CHOICES)
    except_procedures = models.ManyToManyField(
        Procedure, blank=True, related_name="+", help_text=_("Procedures where this sign does not apply.")
    )

    history = HistoricalRecords(m2m_fields=[except_procedures])
    objects = WarningSignManager()

    class Meta:
        ordering = ["complication", "-weight"]
        constraints = [models.UniqueConstraint(fields=["complication", "symptom"], name="unique_warning_sign")]

    def natural_key(self):
        return (self.complication.slug, self.symptom.slug)

    natural_key.dependencies = ["procedures.complication", "procedures.symptom"]

    def __str__(self) -> str:
        return f"{self.symptom.slug} → {self.complication.slug} ({self.urgency})"


class CombinationRule(ReviewedContent):
    """Symptoms that together force a level: every clause needs one of its symptoms."""

    slug = models.SlugField(max_length=80, unique=True)
    name = models.CharField(max_length=200)
    complication = models.ForeignKey(Complication, on_delete=models.CASCADE, related_name="rules")
    urgency = models.CharField(max_length=16, choices=LEVEL_CHOICES)
    explanation = models.TextField(help_text=_("Shown to the patient when the rule fires."))
    procedures = models.ManyToManyField(
        Procedure, blank=True, related_name="+", help_text=_("Empty = every procedure.")
    )
    except_procedures = models.ManyToManyField(Procedure, blank=True, related_name="+")
    areas = models.ManyToManyField(Area, blank=True, related_name="+", help_text=_("Empty = any area."))
    min_day = models.PositiveIntegerField(null=True, blank=True)
    max_day = models.PositiveIntegerField(null=True, blank=True)
    trend = models.CharField(
        max_length=16,
        blank=True,
        choices=TREND_CHOICES,
        help_text=_("Only when the patient says the symptoms are… (empty = whatever the trend)."),
    )
    route = models.CharField(
        max_length=24,
        choices=ROUTE_CHOICES,
        blank=True,
        help_text=_("Where to go first when this rule sets the level (empty = its complication's or the level's)."),
    )
    route_fallback = models.TextField(blank=True, help_text=_("What to do if that place cannot be reached in time."))
    system_red_flag = models.BooleanField(
        default=False,
        help_text=_(
            "A system red flag (brief section 5): the rule applies after every procedure, new ones "
            "included, even where its complication is not linked. Urgent or emergency rules only."
        ),
    )
    translations = models.JSONField(default=dict, blank=True)

    history = HistoricalRecords(m2m_fields=[procedures, except_procedures, areas])
    objects = SlugManager()

    class Meta:
        ordering = ["slug"]

    def natural_key(self):
        return (self.slug,)

    def clean(self) -> None:
        if self.min_day is not None and self.max_day is not None and self.min_day > self.max_day:
            raise ValidationError({"max_day": _("The latest day cannot be before the earliest day.")})
        if self.system_red_flag and self.urgency not in (scales.EMERGENCY.value, scales.URGENT.value):
            raise ValidationError({"system_red_flag": _("Only an urgent or emergency rule can be a system red flag.")})

    def __str__(self) -> str:
        return self.name


class RuleClauseManager(models.Manager):
    def get_by_natural_key(self, rule, position):
        return self.get(rule__slug=rule, position=position)


class RuleClause(ReviewedContent):
    """One "any of these symptoms" part of a combination rule."""

    rule = models.ForeignKey(CombinationRule, on_delete=models.CASCADE, related_name="clauses")
    position = models.PositiveSmallIntegerField()
    symptoms = models.ManyToManyField(Symptom, related_name="+")

    history = HistoricalRecords(m2m_fields=[symptoms])
    objects = RuleClauseManager()

    class Meta:
        ordering = ["rule", "position"]
        constraints = [models.UniqueConstraint(fields=["rule", "position"], name="unique_rule_clause")]

    def natural_key(self):
        return (self.rule.slug, self.position)

    natural_key.dependencies = ["procedures.combinationrule"]

    def __str__(self) -> str:
        return f"{self.rule.slug} #{self.position}"


class ExpectedEffectManager(models.Manager):
    def get_by_natural_key(self, procedure, slug):
        return self.get(procedure__slug=procedure, slug=slug)


class ExpectedEffect(ReviewedContent):
    """What is normal after a procedure, for how long, and what applies after that."""

    procedure = models.ForeignKey(Procedure, on_delete=models.CASCADE, related_name="expected_effects")
    slug = models.SlugField(max_length=60)
    name = models.CharField(max_length=200)
    description = models.TextField()
    symptoms = models.ManyToManyField(Symptom, related_name="expected_effects")
    normal_until_day = models.PositiveIntegerField(help_text=_("Last day on which it is still normal."))
    worst_by_day = models.PositiveIntegerField(
        default=0, help_text=_("Day by which it is usually at its worst; worsening after it is not normal.")
    )
    improving_until_day = models.PositiveIntegerField(
        null=True,
        blank=True,
        help_text=_(
            "While the patient says it is getting better, it still counts as normal up to this day "
            "(for effects whose length varies, such as redness after light or deep peels)."
        ),
    )
    level_after = models.CharField(
        max_length=16,
        choices=LEVEL_CHOICES,
        default=scales.SOON.value,
        help_text=_("Level once the normal duration has passed."),
    )
    becomes = models.ForeignKey(
        Complication,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_("What it may mean when it lasts too long."),
    )
    onset_by_day = models.PositiveIntegerField(
        default=1,
        help_text=_(
            "Last day on which it usually begins. A symptom that begins later, after a symptom-free "
            "interval, is not this effect."
        ),
    )
    sources = models.ManyToManyField(Source, blank=True, related_name="+")
    position = models.PositiveSmallIntegerField(default=0)
    translations = models.JSONField(default=dict, blank=True)

    history = HistoricalRecords(m2m_fields=[symptoms, sources])
    objects = ExpectedEffectManager()

    class Meta:
        ordering = ["procedure", "position"]
        constraints = [models.UniqueConstraint(fields=["procedure", "slug"], name="unique_expected_effect")]

    def natural_key(self):
        return (self.procedure.slug, self.slug)

    natural_key.dependencies = ["procedures.procedure"]

    def clean(self) -> None:
        known = self.worst_by_day is not None and self.normal_until_day is not None
        if known and self.worst_by_day > self.normal_until_day:
            raise ValidationError({"worst_by_day": _("The worst day cannot be after the last normal day.")})
        improving = self.improving_until_day
        if improving is not None and self.normal_until_day is not None and improving < self.normal_until_day:
            raise ValidationError({"improving_until_day": _("This day cannot be before the last normal day.")})

    def __str__(self) -> str:
        return f"{self.procedure.slug}: {self.name}"


class RiskFactor(ReviewedContent):
    """A fact about the patient or the treatment that changes the level (contract 1.1, brief 8.2)."""

    slug = models.SlugField(max_length=60, unique=True)
    label = models.CharField(max_length=200, help_text=_("As the patient is asked it."))
    group = models.CharField(max_length=20, help_text=_("health, treatment or course"))
    meaning = models.CharField(max_length=300, blank=True, help_text=_("Why it matters, in plain words."))
    position = models.PositiveSmallIntegerField(default=0)
    translations = models.JSONField(default=dict, blank=True)

    history = HistoricalRecords()
    objects = SlugManager()

    class Meta:
        ordering = ["position", "slug"]

    def natural_key(self):
        return (self.slug,)

    def __str__(self) -> str:
        return f"{self.label} ({self.slug})"


class RiskFactorEffectManager(models.Manager):
    def get_by_natural_key(self, risk_factor, slug):
        return self.get(risk_factor__slug=risk_factor, slug=slug)


class RiskFactorEffect(ReviewedContent):
    """What a risk factor does to named complications: raise their level, set a floor, or change
    what the patient is told to do if the first place cannot be reached in time."""

    risk_factor = models.ForeignKey(RiskFactor, on_delete=models.CASCADE, related_name="effects")
    slug = models.SlugField(max_length=60, help_text=_("Names this effect within its risk factor."))
    position = models.PositiveSmallIntegerField(default=0)
    complications = models.ManyToManyField(Complication, related_name="+")
    procedures = models.ManyToManyField(
        Procedure, blank=True, related_name="+", help_text=_("Empty = every procedure.")
    )
    raise_steps = models.PositiveSmallIntegerField(
        default=0, help_text=_("Levels to add to what the symptoms gave these complications (0 = none).")
    )
    floor = models.CharField(
        max_length=16,
        choices=LEVEL_CHOICES,
        blank=True,
        help_text=_("The least level these complications reach when the risk factor is reported."),
    )
    evidence_weight = models.FloatField(
        default=0.0,
        validators=[MinValueValidator(0.0), MaxValueValidator(1.0)],
        help_text=_("Above 0: the complication is listed even when no symptom points to it."),
    )
    route_fallback = models.TextField(
        blank=True,
        help_text=_(
            "What to do if the first place cannot be reached in time, said instead of the usual words when "
            "this risk factor is reported (a blocked vessel after a filler that was not HA cannot be dissolved)."
        ),
    )
    translations = models.JSONField(default=dict, blank=True)
    sources = models.ManyToManyField(Source, related_name="+")

    history = HistoricalRecords(m2m_fields=[complications, procedures, sources])
    objects = RiskFactorEffectManager()

    class Meta:
        ordering = ["risk_factor", "position"]
        constraints = [models.UniqueConstraint(fields=["risk_factor", "slug"], name="one_effect_per_slug")]

    def natural_key(self):
        return (self.risk_factor.slug, self.slug)

    def __str__(self) -> str:
        return f"{self.risk_factor.slug}: {self.slug}"


class KnowledgeBaseRelease(models.Model):
    """A published, frozen copy of the whole knowledge base: what patients are assessed on.

    Every process keeps the snapshot of the newest release in memory, and its release watcher
    (procedures/freshness.py) asks for the newest version number once a second, so a release made
    on one server reaches every worker on every server within about a second.
    """

    version = models.PositiveIntegerField(unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    note = models.CharField(max_length=300, blank=True)
    content_hash = models.CharField(max_length=64)
    data = models.JSONField()
    # The release's safety case as published (procedures/safety_case.py): changes and who made and
    # approved them, the stories they affect, open hazards. Markdown, frozen with the release.
    safety_case = models.TextField(blank=True)

    class Meta:
        ordering = ["-version"]
        permissions = [("publish_content", "Can review and publish clinical content")]

    @property
    def label(self) -> str:
        return f"{self.version}-{self.content_hash[:8]}"

    def __str__(self) -> str:
        return f"Release {self.label}"


class Vignette(models.Model):
    """A test story: what a patient would say and answer, and what a clinician says the answer is.

    Stories are part of the content: the publish gate runs every one of them, and a procedure is
    published only when its own stories cover it (procedures/coverage.py). Staff edit them in
    the admin; `manage.py load_vignettes` loads the project's JSON suites (tests/vignettes/).
    A story is not reviewed and released like the knowledge base: every story counts in the gate
    from the moment it is saved, so a new story can only make publishing stricter.
    """

    slug = models.CharField(max_length=40, unique=True, help_text=_("The story's id, e.g. sc-042."))
    procedure = models.ForeignKey(Procedure, on_delete=models.PROTECT, related_name="vignettes")
    story = models.TextField(help_text=_("In the patient's own words."))
    answers = models.JSONField(
        help_text=_("The answers, as the assessment API takes them (the procedure is the field above).")
    )
    gold_level = models.CharField(max_length=16, choices=LEVEL_CHOICES, help_text=_("The right urgency level."))
    gold_complications = models.ManyToManyField(
        Complication,
        blank=True,
        related_name="+",
        help_text=_("One of these must be among the first three causes (empty = expected effects only)."),
    )
    author = models.CharField(max_length=120, help_text=_("Who wrote the story and its answer."))
    source = models.CharField(max_length=300, blank=True, help_text=_("Where it comes from: a suite, a case report."))
    # Other fields of the story as its suite gives them (a second rater's level, tags), kept so a
    # real-patient suite is still scored against both raters (shared/vignettes/README.md).
    extra = models.JSONField(default=dict, blank=True, editable=False)
    updated_at = models.DateTimeField(auto_now=True)

    history = HistoricalRecords(m2m_fields=[gold_complications])

    class Meta:
        ordering = ["procedure", "slug"]
        verbose_name = _("test story")
        verbose_name_plural = _("test stories")

    def clean(self) -> None:
        if not isinstance(self.answers, dict):
            raise ValidationError({"answers": _("Give the answers as a JSON object.")})

    def save(self, *args, **kwargs) -> None:
        # One home for the procedure: the field; the answers always name the same one.
        if isinstance(self.answers, dict) and self.procedure_id:
            self.answers = {**self.answers, "procedure": self.procedure.slug}
        super().save(*args, **kwargs)

    def __str__(self) -> str:
        return self.slug


class WeakeningSignOff(models.Model):
    """A written reason and a second clinical reviewer for weakening an emergency or urgent sign
    or rule (a lower level, fewer procedures, or removed). `change` names the weakening exactly
    (procedures/impact.py, `Weakening.key`), so a sign-off covers that change and no other."""

    change = models.CharField(max_length=300, db_index=True)
    reason = models.TextField(help_text=_("Why this is clinically safe, with the evidence."))
    written_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    approved_at = models.DateTimeField(null=True, blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("sign-off for a weakened sign or rule")
        verbose_name_plural = _("sign-offs for weakened signs and rules")

    def __str__(self) -> str:
        return self.change


class ContactRequest(models.Model):
    """A patient's "ask my clinic to contact me", and how the clinic followed it up.

    Only created with the patient's explicit consent (the version of the consent text they saw is
    kept): without consent nothing is stored at all. Deleted after CONTACT_REQUEST_RETENTION_DAYS
    by `manage.py purge_contact_requests`; deliberately without history, so that purging removes
    every copy of the patient's details.
    """

    class Status(models.TextChoices):
        NEW = "new", _("New")
        ACKNOWLEDGED = "acknowledged", _("Acknowledged")
        CONTACTED = "contacted", _("Contacted")
        CLOSED = "closed", _("Closed")

    class PreferredTime(models.TextChoices):
        ANY = "any", _("Any time")
        MORNING = "morning", _("Morning")
        AFTERNOON = "afternoon", _("Afternoon")
        EVENING = "evening", _("Evening")

    class Outcome(models.TextChoices):
        ADVICE = "advice", _("Advice by phone or email")
        APPOINTMENT = "appointment", _("Appointment booked")
        SEEN_TODAY = "seen_today", _("Seen at the clinic the same day")
        SENT_TO_EMERGENCY = "emergency", _("Sent to emergency care")
        NOT_REACHED = "not_reached", _("Could not be reached")
        NOT_REAL = "not_real", _("Test or duplicate request (not a real case)")

    # The order statuses move in; a request never moves back.
    STATUS_ORDER = (Status.NEW, Status.ACKNOWLEDGED, Status.CONTACTED, Status.CLOSED)

    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField(auto_now=True)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.NEW, db_index=True)

    consent = models.BooleanField(help_text=_("The patient ticked the consent box."))
    consent_text_version = models.CharField(max_length=20)
    name = models.CharField(max_length=120)
    phone = models.CharField(max_length=40, blank=True)
    email = models.EmailField(blank=True)
    preferred_time = models.CharField(max_length=16, choices=PreferredTime.choices, default=PreferredTime.ANY)
    language = models.CharField(max_length=8, default="en")

    answers = models.JSONField(help_text=_("The questionnaire answers, as the patient gave them."))
    result = models.JSONField(help_text=_("What the patient was told: level, likely complications, red flags."))
    urgency = models.CharField(max_length=16, choices=LEVEL_CHOICES, db_index=True)
    engine_version = models.CharField(max_length=20)
    knowledge_base_version = models.CharField(max_length=40)

    acknowledged_at = models.DateTimeField(null=True, blank=True)
    contacted_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    handled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    outcome = models.CharField(max_length=16, choices=Outcome.choices, blank=True)
    outcome_note = models.TextField(blank=True)
    clinician_urgency = models.CharField(
        max_length=16,
        choices=LEVEL_CHOICES,
        blank=True,
        help_text=_("Your own judgement of how urgent it really was, recorded at closing."),
    )
    # Set when the request was first parked in the local outbox during a database outage: replaying
    # it twice finds this and stores nothing new (procedures/outbox.py).
    outbox_id = models.UUIDField(null=True, blank=True, unique=True, editable=False)

    class Meta:
        ordering = ["created_at"]
        verbose_name = _("contact request")
        permissions = [("view_triage_stats", "Can view under- and over-triage on real cases")]

    def __str__(self) -> str:
        return f"#{self.pk} {self.get_urgency_display()} ({self.get_status_display()})"

    def clean(self) -> None:
        if not self.consent:
            raise ValidationError(_("A contact request needs the patient's consent."))
        if not (self.phone or self.email):
            raise ValidationError(_("Give a phone number or an email address."))
        if self.status == self.Status.CLOSED:
            errors = {}
            if not self.outcome:
                errors["outcome"] = _("Record the outcome before closing.")
            if not self.clinician_urgency:
                errors["clinician_urgency"] = _("Record how urgent it really was before closing.")
            if errors:
                raise ValidationError(errors)


class ClinicSettings(models.Model):
    """The clinic facts patients are shown: who to call, when the clinic is open, how fast it answers.

    One row (pk 1), edited by staff in the admin. A blank field falls back to the environment's
    default (settings.CLINIC_*), so a fresh install works before anyone fills this in; the result
    page reads it through procedures/clinic.py, never directly.
    """

    SINGLETON_PK = 1

    name = models.CharField(
        max_length=120, blank=True, help_text=_("As patients should see it. Blank: “your treatment clinic”.")
    )
    daytime_phone = models.CharField(max_length=40, blank=True, help_text=_("Answered during opening hours."))
    on_call_phone = models.CharField(
        max_length=40,
        blank=True,
        help_text=_("The after-hours on-call line. Blank: there is none, and urgent results go to urgent care."),
    )
    emergency_number = models.CharField(max_length=16, blank=True, help_text=_("For example 911, 112 or 999."))
    time_zone = models.CharField(max_length=64, blank=True, help_text=_("For example America/Los_Angeles."))
    answer_minutes = models.PositiveSmallIntegerField(
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(240)],
        help_text=_(
            "How many minutes the clinic promises for answering a patient sent to it now (a suspected "
            "blocked blood vessel). Patients are told where to go if nobody answers within it."
        ),
    )
    callback_minutes_urgent = models.PositiveIntegerField(
        null=True, blank=True, validators=[MinValueValidator(5)], help_text=_("Contact requests with an urgent result.")
    )
    callback_minutes_soon = models.PositiveIntegerField(
        null=True, blank=True, validators=[MinValueValidator(5)], help_text=_("Contact requests with a “soon” result.")
    )
    callback_minutes_self_care = models.PositiveIntegerField(
        null=True,
        blank=True,
        validators=[MinValueValidator(5)],
        help_text=_("Contact requests with a self-care result."),
    )
    urgent_care_name = models.CharField(
        max_length=120, blank=True, help_text=_("Where to go today when the clinic is closed.")
    )
    urgent_care_phone = models.CharField(max_length=40, blank=True)
    urgent_care_address = models.CharField(max_length=240, blank=True)
    updated_at = models.DateTimeField(auto_now=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("clinic settings")
        verbose_name_plural = _("clinic settings")

    def clean(self) -> None:
        from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

        if self.time_zone:
            try:
                ZoneInfo(self.time_zone)
            except (ZoneInfoNotFoundError, ValueError):
                raise ValidationError(
                    {"time_zone": _("Unknown time zone. Use a name such as Europe/Madrid.")}
                ) from None

    def save(self, *args, **kwargs) -> None:
        self.pk = self.SINGLETON_PK  # there is only ever one
        super().save(*args, **kwargs)

    def __str__(self) -> str:
        return str(_("Clinic settings"))


class OpeningHours(models.Model):
    """One opening period of the clinic on one day of the week, in the clinic's time zone."""

    class Weekday(models.IntegerChoices):
        MONDAY = 0, _("Monday")
        TUESDAY = 1, _("Tuesday")
        WEDNESDAY = 2, _("Wednesday")
        THURSDAY = 3, _("Thursday")
        FRIDAY = 4, _("Friday")
        SATURDAY = 5, _("Saturday")
        SUNDAY = 6, _("Sunday")

    clinic = models.ForeignKey(ClinicSettings, on_delete=models.CASCADE, related_name="opening_hours")
    weekday = models.PositiveSmallIntegerField(choices=Weekday.choices)
    opens = models.TimeField()
    closes = models.TimeField()

    class Meta:
        ordering = ["weekday", "opens"]
        verbose_name = _("opening hours")
        verbose_name_plural = _("opening hours")

    def clean(self) -> None:
        if self.opens is not None and self.closes is not None and self.closes <= self.opens:
            raise ValidationError({"closes": _("The closing time must be after the opening time.")})

    def __str__(self) -> str:
        return f"{self.get_weekday_display()} {self.opens:%H:%M}–{self.closes:%H:%M}"


class StaffNotification(models.Model):
    """An email to staff waiting to be sent, sent, or failing: the mail outbox.

    Saved in the same transaction as what it is about, and sent by `manage.py process_outboxes`,
    never on a patient's request: a hung or refusing mail server costs a patient nothing. Carries
    no name, contact detail or symptom (staff open the request in the admin).
    """

    created_at = models.DateTimeField(auto_now_add=True)
    contact_request = models.ForeignKey(
        ContactRequest, null=True, blank=True, on_delete=models.CASCADE, related_name="notifications"
    )
    subject = models.CharField(max_length=200)
    body = models.TextField()
    recipients = models.JSONField(default=list)
    attempts = models.PositiveSmallIntegerField(default=0)
    next_attempt_at = models.DateTimeField(db_index=True)
    sent_at = models.DateTimeField(null=True, blank=True, db_index=True)
    last_error = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("staff notification")
        verbose_name_plural = _("staff notifications")

    def __str__(self) -> str:
        return self.subject
