"""URL configuration: the patient questionnaire, the JSON API and the staff admin."""

from django.contrib import admin
from django.urls import include, path

admin.site.site_header = "symptomcheck: clinic staff"
admin.site.site_title = "symptomcheck staff"
admin.site.index_title = "Clinical content and follow-up"

urlpatterns = [
    path("admin/", admin.site.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    path("checkins/", include("checkins.urls")),
    path("vigilance/", include("vigilance.urls")),
    path("", include("procedures.urls")),
]

# A failure outside any view (the session saved after the response, a middleware) still shows the
# emergency number and the clinic's phone, rendered without the database.
handler500 = "procedures.outage.server_error"
handler404 = "procedures.error_pages.page_not_found"
# Under /api/, Django's own refusals (a bad Host header, a permission refused) answer JSON too.
handler400 = "procedures.error_pages.bad_request"
handler403 = "procedures.error_pages.permission_denied"
