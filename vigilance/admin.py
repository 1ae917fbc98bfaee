"""Admin of vigilance: treatment records (with links to requests and check-ins, and the patients'
own reports to check), complication cases, cluster alerts with the per-lot weekly chart,
adverse-event reports, and the export log."""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from procedures.selectors import published_knowledge_base

from . import clusters, exports, services, vocabulary
from .models import AdverseEventReport, ClusterAlert, ComplicationCase, ExportLog, TreatmentLink, TreatmentRecord

# Needed on the clinic's own records; a patient's report may leave them blank.
CLINIC_REQUIRED = ("product_name", "lot_number", "practitioner", "site")


def _choices(pairs) -> list[tuple[str, str]]:
    return sorted(((slug, f"{item.get('en')} ({slug})") for slug, item in pairs), key=lambda c: c[1])


class TreatmentRecordForm(forms.ModelForm):
    """The treatment and area are picked from the published knowledge base, never typed. A patient's
    report is corrected here like any record, and ticking "checked" makes it count for clusters."""

    mark_checked = forms.BooleanField(
        label=_("Checked"),
        required=False,
        help_text=_(
            "Tick when you have checked what the patient reported against the clinic's notes or the package "
            "(and corrected it). Only then do its cases count for cluster alerts."
        ),
    )

    class Meta:
        model = TreatmentRecord
        fields = [
            "procedure", "performed_at", "area", "product_name", "manufacturer", "product_class", "licensed",
            "lot_number", "practitioner", "site",
        ]  # fmt: skip

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.instance.unchecked:
            self.fields.pop("mark_checked")
        if not self.instance.reported_by_patient:
            for name in CLINIC_REQUIRED:
                self.fields[name].required = True
        kb = published_knowledge_base()
        self.fields["procedure"] = forms.ChoiceField(
            label=_("Treatment"), choices=_choices((s, p.name) for s, p in kb.procedures.items())
        )
        self.fields["area"] = forms.ChoiceField(
            label=_("Area"), required=False, choices=[("", "—")] + _choices((s, a.name) for s, a in kb.areas.items())
        )


class TreatmentLinkInline(admin.TabularInline):
    model = TreatmentLink
    extra = 1
    fields = ["contact_request", "checkin", "linked_at", "export"]
    readonly_fields = ["linked_at", "export"]
    verbose_name_plural = _("Contact requests and check-ins about this treatment")

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        # By number, as staff see them in the queue (not the queue's raw-id popup: its list sorts
        # by an annotation only its own admin adds).
        kwargs["queryset"] = db_field.related_model.objects.all()
        kwargs["widget"] = forms.NumberInput
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    @admin.display(description=_("FHIR export"))
    def export(self, obj: TreatmentLink) -> str:
        if obj.pk is None:
            return "—"
        if obj.contact_request_id:
            url = reverse("vigilance:contact_request_bundle", args=[obj.contact_request_id])
        else:
            url = reverse("vigilance:checkin_bundle", args=[obj.checkin_id])
        return format_html('<a href="{}">{}</a>', url, _("Download FHIR Bundle"))


def provenance_text(record: TreatmentRecord) -> str:
    if not record.reported_by_patient:
        return str(_("Recorded by the clinic"))
    if record.checked_at is None:
        return str(_("Reported by the patient, not checked"))
    return str(_("Reported by the patient, checked by the clinic"))


class ProvenanceFilter(admin.SimpleListFilter):
    title = _("who recorded it")
    parameter_name = "provenance"

    def lookups(self, request, model_admin):
        return [
            ("unchecked", _("Reported by the patient, not checked")),
            ("checked", _("Reported by the patient, checked by the clinic")),
            ("clinic", _("Recorded by the clinic")),
        ]

    def queryset(self, request, queryset):
        patient = queryset.filter(source=TreatmentRecord.Source.PATIENT)
        return {
            "unchecked": patient.filter(checked_at__isnull=True),
            "checked": patient.filter(checked_at__isnull=False),
            "clinic": queryset.filter(source=TreatmentRecord.Source.CLINIC),
        }.get(self.value(), queryset)


@admin.register(TreatmentRecord)
class TreatmentRecordAdmin(admin.ModelAdmin):
    form = TreatmentRecordForm
    list_display = [
        "performed_at",
        "provenance",
        "procedure",
        "product_name",
        "product_class",
        "lot_number",
        "practitioner",
        "site",
        "licensed",
    ]
    list_filter = [ProvenanceFilter, "product_class", "licensed", "procedure", "site"]
    search_fields = ["product_name", "lot_number", "practitioner", "site"]
    date_hierarchy = "performed_at"
    inlines = [TreatmentLinkInline]
    readonly_fields = ["provenance", "recorded_by", "created_at", "checked_by", "checked_at"]
    actions = ["check_selected"]

    @admin.display(description=_("who recorded it"))
    def provenance(self, obj: TreatmentRecord) -> str:
        if obj.unchecked:
            return format_html('<strong class="patient-report">{}</strong>', provenance_text(obj))
        return provenance_text(obj)

    def get_fields(self, request, obj=None):
        fields = [f for f in super().get_fields(request, obj) if f != "provenance"]
        if obj is None or not obj.unchecked:
            fields.remove("mark_checked")  # only a patient's report waits to be checked
        # Who recorded it comes first: a patient's report must never pass for the clinic's record.
        return ["provenance", *fields]

    def save_model(self, request, obj, form, change):
        if not change:
            obj.recorded_by = request.user
        super().save_model(request, obj, form, change)
        if form.cleaned_data.get("mark_checked"):
            services.check_patient_record(obj, request.user)

    @admin.action(description=_("Mark the patient's report as checked"), permissions=["change"])
    def check_selected(self, request, queryset):
        checked = 0
        for record in queryset.filter(source=TreatmentRecord.Source.PATIENT, checked_at__isnull=True):
            services.check_patient_record(record, request.user)
            checked += 1
        self.message_user(
            request, ngettext("%d report marked as checked.", "%d reports marked as checked.", checked) % checked
        )

    def save_formset(self, request, form, formset, change):
        """New links go through the service, which records the reported case and counts clusters."""
        for link in formset.save(commit=False):
            if link.contact_request_id:
                services.link_contact_request(form.instance, link.contact_request, request.user)
            elif link.checkin_id:
                services.link_checkin(form.instance, link.checkin, request.user)
        for gone in formset.deleted_objects:
            gone.delete()


class ComplicationCaseForm(forms.ModelForm):
    class Meta:
        model = ComplicationCase
        fields = ["treatment", "complication", "basis", "urgency", "noticed_on", "ruled_out", "note"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        kb = published_knowledge_base()
        self.fields["complication"] = forms.ChoiceField(
            label=_("Complication"), choices=_choices((s, c.name) for s, c in kb.complications.items())
        )


@admin.register(ComplicationCase)
class ComplicationCaseAdmin(admin.ModelAdmin):
    form = ComplicationCaseForm
    list_display = ["noticed_on", "complication", "basis", "urgency", "lot", "counted", "ruled_out"]
    list_filter = ["basis", "urgency", "ruled_out", "complication"]
    list_select_related = ["treatment"]
    raw_id_fields = ["treatment"]
    actions = ["confirm_selected", "prepare_medwatch", "prepare_yellow_card", "prepare_eu_mdr"]

    @admin.display(description=_("lot"))
    def lot(self, obj: ComplicationCase) -> str:
        return obj.treatment.lot_label

    @admin.display(description=_("counted for clusters"), boolean=True)
    def counted(self, obj: ComplicationCase) -> bool:
        return obj.counts

    def save_model(self, request, obj, form, change):
        if obj.basis == ComplicationCase.Basis.CONFIRMED and obj.confirmed_by_id is None:
            services.confirm_case(obj, request.user)
        else:
            services.record_case(obj)

    @admin.action(description=_("Confirm the complication (clinician)"), permissions=["change"])
    def confirm_selected(self, request, queryset):
        for case in queryset.select_related("treatment"):
            services.confirm_case(case, request.user)
        self.message_user(request, ngettext("%d case confirmed.", "%d cases confirmed.", len(queryset)) % len(queryset))

    def _prepare(self, request, queryset, form: str) -> None:
        made = 0
        for case in queryset.select_related("treatment"):
            try:
                services.prefill_report(case, request.user, form)
                made += 1
            except ValueError as refusal:
                self.message_user(request, f"Case #{case.pk}: {refusal}", messages.WARNING)
        if made:
            self.message_user(request, ngettext("%d draft report prepared.", "%d draft reports prepared.", made) % made)

    @admin.action(description=_("Prepare a MedWatch 3500 report"), permissions=["report"])
    def prepare_medwatch(self, request, queryset):
        self._prepare(request, queryset, "medwatch_3500")

    @admin.action(description=_("Prepare a Yellow Card report"), permissions=["report"])
    def prepare_yellow_card(self, request, queryset):
        self._prepare(request, queryset, "yellow_card")

    @admin.action(
        description=_("Prepare an EU MDR device incident report (devices and fillers)"), permissions=["report"]
    )
    def prepare_eu_mdr(self, request, queryset):
        self._prepare(request, queryset, vocabulary.EU_MDR_INCIDENT)

    def has_report_permission(self, request) -> bool:
        return request.user.has_perm("vigilance.add_adverseeventreport")


@admin.register(ClusterAlert)
class ClusterAlertAdmin(admin.ModelAdmin):
    list_display = ["raised_at", "complication", "where", "case_count", "threshold", "window_days", "status", "sent_to"]
    list_filter = ["status", "complication"]
    readonly_fields = [
        "raised_at", "complication", "where", "threshold", "window_days", "case_list", "sent_to", "acknowledged_by",
        "acknowledged_at",
    ]  # fmt: skip
    fields = readonly_fields + ["status"]
    actions = ["acknowledge_selected"]
    change_list_template = "admin/vigilance/clusteralert/change_list.html"

    @admin.display(description=_("where"))
    def where(self, obj: ClusterAlert) -> str:
        return "; ".join(entry["label"] for entry in obj.crossed)

    @admin.display(description=_("cases"))
    def case_count(self, obj: ClusterAlert) -> int:
        return obj.cases.count()

    @admin.display(description=_("cases"))
    def case_list(self, obj: ClusterAlert) -> str:
        return ", ".join(
            f"#{c.pk} {c.noticed_on:%Y-%m-%d} ({c.get_basis_display()})" for c in obj.cases.order_by("noticed_on")
        )

    def has_add_permission(self, request):
        return False  # alerts are raised by counting cases, never by hand

    def get_readonly_fields(self, request, obj=None):
        # Closing is final: a closed alert has let go of its groupings (the next crossing raises anew).
        closed = obj is not None and not obj.is_open
        return [*self.readonly_fields, "status"] if closed else self.readonly_fields

    @admin.action(description=_("Acknowledge"), permissions=["change"])
    def acknowledge_selected(self, request, queryset):
        done = sum(services.acknowledge_alert(alert, request.user) for alert in queryset)
        self.message_user(request, ngettext("%d alert acknowledged.", "%d alerts acknowledged.", done) % done)

    def changelist_view(self, request, extra_context=None):
        extra_context = {**(extra_context or {}), "lot_rows": clusters.weekly_counts_per_lot(), "chart": clusters}
        return super().changelist_view(request, extra_context=extra_context)


@admin.register(AdverseEventReport)
class AdverseEventReportAdmin(admin.ModelAdmin):
    list_display = ["created_at", "event_text", "product_name", "lot_number", "form", "status", "downloads"]
    list_filter = ["form", "status"]
    readonly_fields = ["case", "created_at", "created_by", "submitted_at", "downloads"]
    actions = ["mark_submitted"]

    @admin.display(description=_("export"))
    def downloads(self, obj: AdverseEventReport) -> str:
        if obj.pk is None:
            return "—"
        return format_html(
            '<a href="{}" class="report-form">{}</a> · <a href="{}" class="report-fhir">{}</a>',
            reverse("vigilance:report_form", args=[obj.pk]),
            _("Printable form"),
            reverse("vigilance:report_fhir", args=[obj.pk]),
            _("FHIR AdverseEvent"),
        )

    def get_list_display(self, request):
        shown = list(super().get_list_display(request))
        return shown if exports.may_export(request.user) else [c for c in shown if c != "downloads"]

    def has_add_permission(self, request):
        return False  # prepared from a confirmed case (Complication cases → action)

    @admin.action(description=_("Mark as submitted to the regulator (by you)"), permissions=["change"])
    def mark_submitted(self, request, queryset):
        for report in queryset:
            services.mark_submitted(report)
        self.message_user(request, _("Marked as submitted. Nothing was sent from here."))


@admin.register(ExportLog)
class ExportLogAdmin(admin.ModelAdmin):
    list_display = ["at", "username", "kind", "object_id"]
    list_filter = ["kind"]
    search_fields = ["username"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False  # the audit trail is purged only with the records (purge_vigilance_records)
