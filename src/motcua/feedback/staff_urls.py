"""Back-office feedback pages, mounted at ``can-bo/phan-anh/`` (namespace ``backoffice:feedback``)."""

from django.urls import path

from motcua.feedback import staff

app_name = "feedback"
urlpatterns = [
    path("", staff.queue, name="queue"),
    path("<str:code>/", staff.desk, name="desk"),
    path("<str:code>/thao-tac/<slug:action>/", staff.act, name="act"),
]
