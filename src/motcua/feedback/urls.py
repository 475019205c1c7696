"""Public feedback pages, mounted at ``phan-anh-kien-nghi/``."""

from django.urls import path

from motcua.feedback import public

app_name = "feedback"
urlpatterns = [
    path("", public.answers, name="answers"),
    path("gui/", public.submit, name="submit"),
    path("tra-cuu/", public.track, name="track"),
    path("<str:code>/", public.answer_detail, name="answer"),
    path("<str:code>/danh-gia/", public.vote, name="vote"),
]
