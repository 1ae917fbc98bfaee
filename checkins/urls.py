from django.urls import path

from . import views

app_name = "checkins"

urlpatterns = [
    path("enrol/", views.enrol, name="enrol"),
    path("enrolled/", views.enrolled, name="enrolled"),
    path("c/<str:token>/", views.open_link, name="open"),
    path("answer/", views.answer, name="answer"),
    path("answer/emergency/", views.emergency, name="emergency"),
    path("answer/symptoms/", views.symptoms, name="symptoms"),
    path("answer/result/", views.result, name="result"),
    path("stop/<str:token>/", views.stop, name="stop"),
]
