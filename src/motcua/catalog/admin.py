"""Admin for the catalogue: edit drafts, validate, publish, retire, duplicate — every change audited.

Published and retired versions are shown read-only (the model refuses edits anyway); changing one
means "Nhân bản thành phiên bản mới", editing the draft, and publishing it with the decision number.
"""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join

from motcua.catalog import lifecycle
from motcua.catalog.models import (
    CatalogEvent,
    Fee,
    FeeOverride,
    Field,
    Procedure,
    ProcedureUnit,
    ProcedureVersion,
    ProcessStep,
    RequiredDocument,
    VersionStatus,
)


@admin.register(Field)
class FieldAdmin(admin.ModelAdmin):
    list_display = ("name", "code")
    search_fields = ("name", "code")


class ProcedureUnitInline(admin.TabularInline):
    model = ProcedureUnit
    extra = 0
    autocomplete_fields = ["unit"]


class VersionLinkInline(admin.TabularInline):
    model = ProcedureVersion
    extra = 0
    fields = ("number", "status", "valid_from", "valid_to", "decision_number", "time_limit_label")
    readonly_fields = fields
    show_change_link = True
    can_delete = False

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    @admin.display(description="thời hạn")
    def time_limit_label(self, obj: ProcedureVersion) -> str:
        return obj.time_limit_label()


@admin.register(Procedure)
class ProcedureAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "field", "levels", "current_status")
    list_filter = ("field",)
    search_fields = ("code", "name", "search_text")
    autocomplete_fields = ["field"]
    inlines = [ProcedureUnitInline, VersionLinkInline]
    readonly_fields = ("created_at", "updated_at")

    @admin.display(description="đang áp dụng")
    def current_status(self, obj: Procedure) -> str:
        version = obj.current_version()
        return f"phiên bản {version.number}" if version else "—"

    def get_urls(self):
        return [
            path("import/", self.admin_site.admin_view(self.import_view), name="catalog_procedure_import"),
            *super().get_urls(),
        ]

    def import_view(self, request: HttpRequest) -> HttpResponse:
        from motcua.catalog.admin_import import catalog_import_view

        return catalog_import_view(request)

    def save_model(self, request, obj, form, change) -> None:
        super().save_model(request, obj, form, change)
        CatalogEvent.objects.create(
            procedure=obj,
            action="edited" if change else "created",
            actor=request.user,
            detail={"fields": list(form.changed_data)},
        )


class DraftOnlyInline(admin.TabularInline):
    extra = 0

    def _draft(self, obj) -> bool:
        return obj is None or obj.status == VersionStatus.DRAFT

    def has_add_permission(self, request, obj=None) -> bool:
        return self._draft(obj) and super().has_add_permission(request, obj)

    def has_change_permission(self, request, obj=None) -> bool:
        return self._draft(obj) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None) -> bool:
        return self._draft(obj) and super().has_delete_permission(request, obj)


class RequiredDocumentInline(DraftOnlyInline):
    model = RequiredDocument
    fields = (
        "position",
        "name",
        "copy_type",
        "copies",
        "required",
        "condition",
        "form_name",
        "form_template",
        "must_digitise",
        "reusable",
    )


class FeeInline(DraftOnlyInline):
    model = Fee
    fields = ("channel", "kind", "name", "amount", "description", "legal_basis")


class ProcessStepInline(DraftOnlyInline):
    model = ProcessStep
    fields = ("stage", "action", "role", "handler", "unit", "external_agency", "inter_agency", "allotted")
    autocomplete_fields = ["unit"]


class PublishForm(forms.Form):
    decision_number = forms.CharField(label="Số quyết định công bố", max_length=100)
    decision_date = forms.DateField(label="Ngày quyết định")
    valid_from = forms.DateField(label="Hiệu lực từ ngày", required=False, help_text="Để trống: từ ngày ký quyết định.")


@admin.register(ProcedureVersion)
class ProcedureVersionAdmin(admin.ModelAdmin):
    list_display = ("procedure", "number", "status", "valid_from", "valid_to", "decision_number")
    list_filter = ("status",)
    search_fields = ("procedure__code", "procedure__name", "procedure__search_text")
    autocomplete_fields = ["procedure"]
    inlines = [RequiredDocumentInline, FeeInline, ProcessStepInline]
    actions = ["validate_versions", "duplicate_versions", "retire_versions"]
    readonly_fields = ("number", "status", "published_at", "validation_report", "history")
    fieldsets = (
        (None, {"fields": ("procedure", "number", "status", "validation_report")}),
        (
            "Thời hạn, cách thức",
            {"fields": ("time_limit_value", "time_limit_unit", "time_limit_note", "channels", "online_level")},
        ),
        ("Nội dung", {"fields": ("steps_description", "conditions", "legal_basis", "result_documents", "notes")}),
        ("Công bố", {"fields": ("decision_number", "decision_date", "valid_from", "valid_to", "published_at")}),
        ("Nhật ký", {"fields": ("history",)}),
    )

    def get_readonly_fields(self, request, obj=None):
        if obj is not None and obj.status != VersionStatus.DRAFT:
            return [f.name for f in self.model._meta.fields if f.name != "id"] + ["validation_report", "history"]
        return super().get_readonly_fields(request, obj)

    @admin.display(description="kiểm tra trước khi công bố")
    def validation_report(self, obj: ProcedureVersion | None) -> str:
        if obj is None or obj.pk is None:
            return "—"
        if obj.status != VersionStatus.DRAFT:
            return "Đã công bố: không sửa được; hãy nhân bản thành phiên bản mới."
        problems = lifecycle.validation_problems(obj)
        if not problems:
            url = reverse("admin:catalog_procedureversion_publish", args=[obj.pk])
            return format_html('Đạt yêu cầu. <a class="button" href="{}">Công bố phiên bản này</a>', url)
        return format_html("<ul>{}</ul>", format_html_join("", "<li>{}</li>", ((p,) for p in problems)))

    @admin.display(description="nhật ký")
    def history(self, obj: ProcedureVersion | None) -> str:
        if obj is None or obj.pk is None:
            return "—"
        rows = obj.events.select_related("actor")[:50]
        return (
            format_html_join(
                "",
                "<div>{} — {} — {}</div>",
                ((timezone.localtime(e.at).strftime("%H:%M %d/%m/%Y"), e.action, e.actor or "hệ thống") for e in rows),
            )
            or "—"
        )

    def save_model(self, request, obj, form, change) -> None:
        super().save_model(request, obj, form, change)
        lifecycle.log(obj, "edited" if change else "created", request.user, fields=list(form.changed_data))

    # -- actions --------------------------------------------------------------------------------

    @admin.action(description="Kiểm tra các phiên bản đã chọn")
    def validate_versions(self, request, queryset) -> None:
        for version in queryset:
            problems = lifecycle.validation_problems(version) if version.status == VersionStatus.DRAFT else []
            if problems:
                self.message_user(request, f"{version}: {'; '.join(problems)}", messages.WARNING)
            else:
                self.message_user(request, f"{version}: đạt yêu cầu.", messages.SUCCESS)

    @admin.action(description="Nhân bản thành phiên bản mới (dự thảo)")
    def duplicate_versions(self, request, queryset) -> None:
        for version in queryset:
            copy = lifecycle.duplicate(version, actor=request.user)
            self.message_user(request, f"Đã tạo {copy} từ phiên bản {version.number}.", messages.SUCCESS)

    @admin.action(description="Bãi bỏ (hết hiệu lực từ hôm nay)")
    def retire_versions(self, request, queryset) -> None:
        for version in queryset:
            try:
                lifecycle.retire(version, actor=request.user)
            except lifecycle.LifecycleError as exc:
                self.message_user(request, f"{version}: {'; '.join(exc.problems)}", messages.ERROR)
            else:
                self.message_user(request, f"{version}: đã bãi bỏ.", messages.SUCCESS)

    # -- publish page ---------------------------------------------------------------------------

    def get_urls(self):
        return [
            path(
                "<int:pk>/publish/",
                self.admin_site.admin_view(self.publish_view),
                name="catalog_procedureversion_publish",
            ),
            *super().get_urls(),
        ]

    def publish_view(self, request: HttpRequest, pk: int) -> HttpResponse:
        version = get_object_or_404(ProcedureVersion, pk=pk)
        if not self.has_change_permission(request, version):
            raise PermissionDenied
        form = PublishForm(request.POST or None)
        problems = (
            lifecycle.validation_problems(version)
            if version.status == VersionStatus.DRAFT
            else ["Chỉ công bố được phiên bản dự thảo."]
        )
        if request.method == "POST" and form.is_valid():
            try:
                lifecycle.publish(version, actor=request.user, **form.cleaned_data)
            except lifecycle.LifecycleError as exc:
                problems = exc.problems
            else:
                self.message_user(
                    request, f"Đã công bố {version.procedure.code} phiên bản {version.number}.", messages.SUCCESS
                )
                return HttpResponseRedirect(reverse("admin:catalog_procedureversion_change", args=[pk]))
        context = {
            **self.admin_site.each_context(request),
            "title": f"Công bố {version}",
            "version": version,
            "form": form,
            "problems": problems,
            "opts": self.model._meta,
        }
        return TemplateResponse(request, "admin/catalog/publish.html", context)


@admin.register(FeeOverride)
class FeeOverrideAdmin(admin.ModelAdmin):
    list_display = ("fee", "unit", "amount", "legal_basis")
    autocomplete_fields = ["unit"]
    raw_id_fields = ["fee"]


@admin.register(CatalogEvent)
class CatalogEventAdmin(admin.ModelAdmin):
    list_display = ("at", "action", "procedure", "version", "actor")
    list_filter = ("action",)
    search_fields = ("procedure__code", "procedure__name")
    readonly_fields = ("procedure", "version", "action", "actor", "at", "detail")

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
