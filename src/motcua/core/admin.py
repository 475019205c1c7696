"""Admin pieces shared by the apps whose lists are worked from their failures (outbox, OCR)."""

from __future__ import annotations

from django.contrib import admin


class FailuresFirstFilter(admin.SimpleListFilter):
    """A status filter that opens on the failures: they are what needs someone's attention.

    Subclasses set ``FAILED`` (the default value) and ``CHOICES`` [(status, label), …]; "Tất cả" is added."""

    title = "trạng thái"
    parameter_name = "trang_thai"
    ALL = "all"
    FAILED = "failed"
    CHOICES: list[tuple[str, str]] = []

    def lookups(self, request, model_admin):
        return [*self.CHOICES, (self.ALL, "Tất cả")]

    def value(self):
        return super().value() or self.FAILED

    def choices(self, changelist):
        for lookup, title in self.lookup_choices:
            yield {
                "selected": self.value() == lookup,
                "query_string": changelist.get_query_string({self.parameter_name: lookup}),
                "display": title,
            }

    def queryset(self, request, queryset):
        value = self.value()
        return queryset if value == self.ALL else queryset.filter(status=value)
