"""Staff-only exports: FHIR R4 Bundles, the published Questionnaire, and adverse-event reports."""

from django.urls import path

from . import views

app_name = "vigilance"

urlpatterns = [
    path("fhir/Questionnaire/symptomcheck", views.questionnaire, name="questionnaire"),
    path("fhir/contact-request/<int:pk>/", views.contact_request_bundle, name="contact_request_bundle"),
    path("fhir/checkin/<int:pk>/", views.checkin_bundle, name="checkin_bundle"),
    path("reports/<int:pk>/adverse-event.json", views.report_fhir, name="report_fhir"),
    path("reports/<int:pk>/form/", views.report_form, name="report_form"),
]
