from django.urls import path

from . import api, contact_views, health, staff_views, views

app_name = "procedures"

urlpatterns = [
    path("", views.home, name="home"),
    path("check/", views.emergency_screen, name="screen"),
    path("check/treatment/", views.treatment_step, name="treatment"),
    path("check/symptoms/", views.symptoms_step, name="symptoms"),
    path("check/more/", views.follow_up_step, name="follow-up"),
    path("check/result/", views.result, name="result"),
    path("check/restart/", views.restart, name="restart"),
    path("check/contact/", contact_views.contact_request, name="contact"),
    path("check/contact/sent/", contact_views.contact_sent, name="contact-sent"),
    path("staff/preview/", staff_views.preview, name="staff-preview"),
    path("health/", health.health, name="health"),
    path("api/v1/assessments", api.assessments, name="api-assessments"),
    path("api/v1/procedures", api.procedure_list, name="api-procedures"),
    path("api/v1/symptoms", api.symptom_list, name="api-symptoms"),
    path("api/v1/openapi.json", api.openapi_schema, name="api-openapi"),
    path("api/docs/", api.api_docs, name="api-docs"),
]
