"""Admin for the clinical knowledge base: procedures, complications, their signs and rules.

Every save by staff makes the row a draft again (see releases.ReviewedContentAdmin); "Submit for
review" and "Publish" move it on. History (django-simple-history) records every change with its
user; a previous version can be restored from the history page, with the rows edited on its page
(procedures/restore.py; every row put back is a draft again).
Symptoms, areas and sources (the shared vocabulary) are edited with review too.
Text in the languages other than English is edited field by field, one collapsed fieldset per
language, generated from the schema and settings.LANGUAGES (see translations.py).
"""

from __future__ import annotations

from django.contrib import admin
from django.db.models import Count
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from ..models import (
    Area,
    CombinationRule,
    Complication,
    ExpectedEffect,
    Procedure,
    ProcedureComplication,
    RiskFactor,
    RiskFactorEffect,
    RuleClause,
    Source,
    Symptom,
    WarningSign,
)
from .releases import ReviewedContentAdmin, ReviewedInlineMixin, status_column
from .translations import TranslationsAdminMixin, TranslationsForm, TranslationsInlineMixin

# --- Forms and bases -------------------------------------------------------------------------


class LockedKeysForm(TranslationsForm):
    """Refuses changes to the fields that identify a row (slug, parent) once it exists.

    Releases match rows by these natural keys (see procedures/releases.py), and vignettes and
    fixtures name them; to rename, a reviewer adds a new row and deletes the old one.
    """

    locked_fields: tuple[str, ...] = ()

    def clean(self):
        cleaned = super().clean()
        if self.instance.pk:
            for name in self.locked_fields:
                if name in self.fields and name in self.changed_data:
                    self.add_error(
                        name,
                        _(
                            "This identifies the row and cannot be changed. "
                            "Add a new one and ask a reviewer to delete this one."
                        ),
                    )
        return cleaned


def locked(*names: str) -> type[LockedKeysForm]:
    return type("Locked" + "".join(n.title() for n in names) + "Form", (LockedKeysForm,), {"locked_fields": names})


# --- Vocabulary: symptoms, areas, sources ------------------------------------------------------
# Edited with review like the rest: a new symptom or source is a draft until a reviewer publishes
# it, and a rule or complication can cite it in the same release.


@admin.register(Symptom)
class SymptomAdmin(TranslationsAdminMixin, ReviewedContentAdmin):
    form = locked("slug")
    list_display = ("label", "slug", "group", "position", status_column)
    list_filter = ("status", "group")
    search_fields = ("slug", "label")
    list_per_page = 100
    fieldsets = ((None, {"fields": (("label", "slug"), ("group", "position"))}), ReviewedContentAdmin.review_fieldset)


@admin.register(Area)
class AreaAdmin(TranslationsAdminMixin, ReviewedContentAdmin):
    form = locked("slug")
    list_display = ("name", "slug", "within", "position", status_column)
    list_select_related = ("within",)
    list_filter = ("status",)
    search_fields = ("slug", "name")
    autocomplete_fields = ("within",)
    list_per_page = 100
    fieldsets = ((None, {"fields": (("name", "slug"), ("within", "position"))}), ReviewedContentAdmin.review_fieldset)


@admin.register(Source)
class SourceAdmin(ReviewedContentAdmin):
    form = locked("code")
    list_display = ("code", "title", "grade", "link", status_column)
    list_filter = ("status", "grade")
    search_fields = ("code", "title", "url")
    list_per_page = 100
    fieldsets = ((None, {"fields": (("code", "grade"), "title", "url")}), ReviewedContentAdmin.review_fieldset)

    @admin.display(description=_("web page"))
    def link(self, obj: Source) -> str:
        return format_html('<a href="{}" rel="noopener noreferrer">{}</a>', obj.url, obj.url[:60]) if obj.url else "—"


# --- Procedures ------------------------------------------------------------------------------


class ExpectedEffectInline(TranslationsInlineMixin, ReviewedInlineMixin, admin.StackedInline):
    model = ExpectedEffect
    form = locked("slug")
    autocomplete_fields = ("symptoms", "becomes", "sources")
    fields = (
        ("name", "slug", "position"),
        "description",
        "symptoms",
        ("worst_by_day", "normal_until_day", "improving_until_day", "level_after"),
        "onset_by_day",
        "becomes",
        "sources",
        "status",
    )
    readonly_fields = ("status",)


class ProcedureLinkInline(TranslationsInlineMixin, ReviewedInlineMixin, admin.TabularInline):
    model = ProcedureComplication
    form = locked("complication")
    fk_name = "procedure"
    autocomplete_fields = ("complication",)
    fields = (
        "complication",
        "onset_min_days",
        "onset_max_days",
        "frequency_band",
        "evidence_grade",
        "urgency",
        "emergency_route",
        "frequency",
        "status",
    )
    readonly_fields = ("status",)
    verbose_name = _("complication of this procedure")
    verbose_name_plural = _("complications of this procedure")

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("complication")


@admin.register(Procedure)
class ProcedureAdmin(TranslationsAdminMixin, ReviewedContentAdmin):
    form = locked("slug")
    list_display = ("name", "slug", "kind", "brand_names", "effects", "complications", status_column, "reviewed_by")
    list_filter = ("status", "kind")
    list_select_related = ("reviewed_by",)
    search_fields = ("name", "slug", "aliases")
    inlines = (ExpectedEffectInline, ProcedureLinkInline)
    fieldsets = (
        (None, {"fields": (("name", "slug"), "aliases", ("kind", "position"), "description")}),
        ReviewedContentAdmin.review_fieldset,
    )

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(n_effects=Count("expected_effects", distinct=True), n_links=Count("links", distinct=True))
        )

    @admin.display(description=_("brand names"))
    def brand_names(self, obj: Procedure) -> str:
        """The first names, up to about 60 characters, and how many more (the list fits the screen)."""
        names = obj.alias_list
        shown: list[str] = []
        for name in names:
            if shown and len(", ".join([*shown, name])) > 60:
                break
            shown.append(name)
        more = len(names) - len(shown)
        listed = ", ".join(shown) or "—"
        return _("%(names)s and %(n)d more") % {"names": listed, "n": more} if more else listed

    @admin.display(description=_("expected effects"), ordering="n_effects")
    def effects(self, obj: Procedure) -> int:
        return obj.n_effects

    @admin.display(description=_("complications"), ordering="n_links")
    def complications(self, obj: Procedure) -> int:
        return obj.n_links


@admin.register(ExpectedEffect)
class ExpectedEffectAdmin(TranslationsAdminMixin, ReviewedContentAdmin):
    form = locked("procedure", "slug")
    list_display = ("name", "procedure", "worst_by_day", "normal_until_day", "level_after", "becomes", status_column)
    list_filter = ("status", "level_after", "procedure")
    list_select_related = ("procedure", "becomes")
    search_fields = ("name", "slug", "procedure__name", "procedure__slug", "procedure__aliases")
    autocomplete_fields = ("procedure", "symptoms", "becomes", "sources")
    fieldsets = (
        (None, {"fields": ("procedure", ("name", "slug", "position"), "description", "symptoms")}),
        (
            _("Time course"),
            {
                "fields": (
                    ("worst_by_day", "normal_until_day", "improving_until_day"),
                    "onset_by_day",
                    "level_after",
                    "becomes",
                    "sources",
                )
            },
        ),
        ReviewedContentAdmin.review_fieldset,
    )


@admin.register(ProcedureComplication)
class ProcedureComplicationAdmin(TranslationsAdminMixin, ReviewedContentAdmin):
    form = locked("procedure", "complication")
    # No "procedure → complication" column repeating the next two, and the level before the
    # details: the list fits a 1280-pixel screen (tests/browser/test_admin_layout_browser.py).
    list_display = ("complication", "procedure", "urgency", "onset", "frequency_band", "evidence_grade", status_column)
    list_display_links = ("complication",)
    list_filter = ("status", "urgency", "evidence_grade", "frequency_band", "procedure")
    list_select_related = ("procedure", "complication")
    search_fields = (
        "procedure__name",
        "procedure__slug",
        "procedure__aliases",
        "complication__name",
        "complication__slug",
    )
    autocomplete_fields = ("procedure", "complication")
    fieldsets = (
        (None, {"fields": ("procedure", "complication", ("onset_min_days", "onset_max_days"), "urgency")}),
        (_("How often and how sure"), {"fields": ("frequency", "frequency_band", "evidence_grade", "note")}),
        (_("Where to go first in an emergency"), {"fields": ("emergency_route", "emergency_route_fallback")}),
        ReviewedContentAdmin.review_fieldset,
    )

    @admin.display(description=_("usual onset"))
    def onset(self, obj: ProcedureComplication) -> str:
        end = obj.onset_max_days if obj.onset_max_days is not None else "…"
        return _("day %(start)s–%(end)s") % {"start": obj.onset_min_days, "end": end}


# --- Complications and their signs -----------------------------------------------------------


class WarningSignInline(ReviewedInlineMixin, admin.TabularInline):
    model = WarningSign
    form = locked("symptom")
    autocomplete_fields = ("symptom", "except_procedures")
    fields = ("symptom", "weight", "urgency", "except_procedures", "status")
    readonly_fields = ("status",)

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("symptom")


class RuleInline(admin.TabularInline):
    """Rules listed on their complication; their clauses are edited on the rule's own page."""

    model = CombinationRule
    fields = ("name", "urgency", "status")
    readonly_fields = fields
    extra = 0
    show_change_link = True
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


class SourceInline(admin.TabularInline):
    model = Complication.sources.through
    autocomplete_fields = ("source",)
    extra = 0
    verbose_name = _("source")
    verbose_name_plural = _("sources")

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("source")


@admin.register(Complication)
class ComplicationAdmin(TranslationsAdminMixin, ReviewedContentAdmin):
    form = locked("slug")
    list_display = (
        "name",
        "slug",
        "default_urgency",
        "cross_cutting",
        "procedures",
        "warning_signs",
        "rules",
        status_column,
        "reviewed_by",
    )
    list_filter = (
        "status",
        "default_urgency",
        "cross_cutting",
        ("links__procedure", admin.RelatedOnlyFieldListFilter),
        "links__evidence_grade",
    )
    list_select_related = ("reviewed_by",)
    search_fields = ("name", "slug", "links__procedure__name", "links__procedure__aliases")
    autocomplete_fields = ("typical_areas",)
    inlines = (WarningSignInline, RuleInline, SourceInline)
    fieldsets = (
        (None, {"fields": (("name", "slug"), ("default_urgency", "cross_cutting"), "typical_areas")}),
        (
            _("Onset (when no procedure says otherwise)"),
            {"fields": (("default_onset_min_days", "default_onset_max_days"),)},
        ),
        (
            _("What the patient reads"),
            {"fields": ("summary", "what_to_do", "self_care", "escalation", "evidence_note")},
        ),
        ReviewedContentAdmin.review_fieldset,
    )

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(
                n_procedures=Count("links", distinct=True),
                n_signs=Count("warning_signs", distinct=True),
                n_rules=Count("rules", distinct=True),
            )
        )

    @admin.display(description=_("procedures"), ordering="n_procedures")
    def procedures(self, obj: Complication) -> str | int:
        return _("all") if obj.cross_cutting else obj.n_procedures

    @admin.display(description=_("warning signs"), ordering="n_signs")
    def warning_signs(self, obj: Complication) -> int:
        return obj.n_signs

    @admin.display(description=_("rules"), ordering="n_rules")
    def rules(self, obj: Complication) -> int:
        return obj.n_rules


@admin.register(WarningSign)
class WarningSignAdmin(ReviewedContentAdmin):
    form = locked("complication", "symptom")
    list_display = ("symptom", "complication", "weight", "urgency", "exceptions", status_column)
    list_filter = (
        "status",
        "urgency",
        "complication__cross_cutting",
        ("complication", admin.RelatedOnlyFieldListFilter),
    )
    list_select_related = ("symptom", "complication")
    search_fields = ("symptom__slug", "symptom__label", "complication__name", "complication__slug")
    autocomplete_fields = ("complication", "symptom", "except_procedures")
    fieldsets = (
        (None, {"fields": ("complication", "symptom", ("weight", "urgency"), "except_procedures")}),
        ReviewedContentAdmin.review_fieldset,
    )

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(n_exceptions=Count("except_procedures"))

    @admin.display(description=_("not for"), ordering="n_exceptions")
    def exceptions(self, obj: WarningSign) -> str | int:
        return obj.n_exceptions or "—"


class RuleClauseInline(ReviewedInlineMixin, admin.TabularInline):
    model = RuleClause
    form = locked("position")
    autocomplete_fields = ("symptoms",)
    fields = ("position", "symptoms", "status")
    readonly_fields = ("status",)
    min_num = 1
    validate_min = True
    verbose_name = _("clause (any one of these symptoms)")
    verbose_name_plural = _("clauses: the rule fires when every clause has at least one of its symptoms")


@admin.register(CombinationRule)
class CombinationRuleAdmin(TranslationsAdminMixin, ReviewedContentAdmin):
    form = locked("slug", "complication")
    list_display = ("name", "slug", "complication", "urgency", "clauses", "days", status_column)
    list_filter = ("status", "urgency", "system_red_flag", ("complication", admin.RelatedOnlyFieldListFilter))
    list_select_related = ("complication",)
    search_fields = ("name", "slug", "complication__name", "complication__slug")
    autocomplete_fields = ("complication", "procedures", "except_procedures", "areas")
    inlines = (RuleClauseInline,)
    fieldsets = (
        (None, {"fields": (("name", "slug"), "complication", "urgency", "explanation")}),
        (
            _("Where it applies"),
            {
                "fields": (
                    "system_red_flag",
                    "procedures",
                    "except_procedures",
                    "areas",
                    ("min_day", "max_day"),
                    "trend",
                )
            },
        ),
        (
            _("Where to go first"),
            {"fields": ("route", "route_fallback")},
        ),
        ReviewedContentAdmin.review_fieldset,
    )

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(n_clauses=Count("clauses"))

    @admin.display(description=_("clauses"), ordering="n_clauses")
    def clauses(self, obj: CombinationRule) -> int:
        return obj.n_clauses

    @admin.display(description=_("days"))
    def days(self, obj: CombinationRule) -> str:
        if obj.min_day is None and obj.max_day is None:
            return _("any")
        return f"{obj.min_day if obj.min_day is not None else 0}–{obj.max_day if obj.max_day is not None else '…'}"


# --- Risk factors (contract 1.1, brief 8.2) ----------------------------------------------------


class RiskFactorEffectInline(TranslationsInlineMixin, ReviewedInlineMixin, admin.StackedInline):
    model = RiskFactorEffect
    form = locked("slug")
    extra = 0
    autocomplete_fields = ("complications", "procedures", "sources")
    fields = (
        ("slug", "position"),
        "complications",
        "procedures",
        ("raise_steps", "floor", "evidence_weight"),
        "route_fallback",
        "sources",
        "status",
    )
    readonly_fields = ("status",)
    verbose_name = _("what it does")
    verbose_name_plural = _("what it does: raise named complications by levels, or set a floor")


@admin.register(RiskFactor)
class RiskFactorAdmin(TranslationsAdminMixin, ReviewedContentAdmin):
    """Facts about the patient and the treatment that change the level; staff edit what they do."""

    form = locked("slug")
    list_display = ("label", "slug", "group", "effects_count", status_column)
    list_filter = ("status", "group")
    search_fields = ("slug", "label")
    inlines = (RiskFactorEffectInline,)
    fieldsets = (
        (None, {"fields": (("label", "slug"), ("group", "position"), "meaning")}),
        ReviewedContentAdmin.review_fieldset,
    )

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(n_effects=Count("effects"))

    @admin.display(description=_("effects"), ordering="n_effects")
    def effects_count(self, obj: RiskFactor) -> int:
        return obj.n_effects
