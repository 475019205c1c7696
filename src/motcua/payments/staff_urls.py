from django.urls import path

from motcua.payments import staff

app_name = "receipts"
urlpatterns = [
    path("", staff.receipt_book, name="book"),
]
