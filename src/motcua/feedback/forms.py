"""Forms of the public pages and of the officers' desk. They validate input; ``actions`` decides."""

from __future__ import annotations

from django import forms

from motcua.catalog.models import Field, Procedure
from motcua.feedback.models import Kind, Status
from motcua.organizations.models import Unit


class UnitChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Unit) -> str:
        return obj.name


class SubmitForm(forms.Form):
    kind = forms.ChoiceField(label="Loại", choices=Kind.choices, widget=forms.RadioSelect, initial=Kind.REPORT)
    subject = forms.CharField(label="Tiêu đề", max_length=255)
    content = forms.CharField(
        label="Nội dung phản ánh, kiến nghị",
        max_length=10000,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text="Nêu rõ quy định hành chính, hành vi hoặc vướng mắc cụ thể, và đề xuất của ông/bà (nếu có).",
    )
    procedure_code = forms.CharField(
        label="Mã thủ tục hành chính liên quan (nếu có)", max_length=30, required=False, help_text="Ví dụ 1.001193."
    )
    dossier_code = forms.CharField(label="Mã hồ sơ liên quan (nếu có)", max_length=40, required=False)
    unit = UnitChoiceField(
        label="Cơ quan tiếp nhận",
        queryset=Unit.objects.none(),
        required=False,
        empty_label="Để cơ quan chuyển đến đơn vị có thẩm quyền",
    )
    name = forms.CharField(label="Họ và tên", max_length=200)
    email = forms.EmailField(label="Thư điện tử", required=False)
    phone = forms.CharField(
        label="Số điện thoại", max_length=20, required=False, widget=forms.TextInput(attrs={"inputmode": "tel"})
    )
    address = forms.CharField(label="Địa chỉ liên hệ", max_length=500, required=False)
    wants_public = forms.BooleanField(
        label="Đồng ý công khai nội dung phản ánh và trả lời (không kèm họ tên, địa chỉ, số điện thoại, thư điện tử)",
        required=False,
        initial=True,
    )
    # Left empty by people; bots fill every field. No CAPTCHA (accessibility).
    website = forms.CharField(required=False, label="Để trống ô này", widget=forms.TextInput(attrs={"tabindex": "-1"}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = Unit.objects.filter(active=True).order_by("path")
        self.fields["email"].widget.attrs["autocomplete"] = "email"
        self.fields["phone"].widget.attrs["autocomplete"] = "tel"
        self.fields["name"].widget.attrs["autocomplete"] = "name"

    def clean_procedure_code(self):
        code = (self.cleaned_data.get("procedure_code") or "").strip()
        if not code:
            return None
        procedure = Procedure.objects.filter(code=code).first()
        if procedure is None:
            raise forms.ValidationError("Không có thủ tục mã này; để trống nếu không rõ.")
        return procedure

    def clean(self):
        data = super().clean()
        if not data.get("email") and not (data.get("phone") or "").strip():
            self.add_error("email", "Cần ít nhất thư điện tử hoặc số điện thoại để nhận trả lời.")
        if data.get("website"):
            raise forms.ValidationError("Không gửi được. Xin thử lại.")
        return data


class SupplyForm(forms.Form):
    text = forms.CharField(label="Thông tin bổ sung", max_length=5000, widget=forms.Textarea(attrs={"rows": 5}))


class AnswerFilterForm(forms.Form):
    q = forms.CharField(label="Tìm trong câu hỏi và trả lời", max_length=100, required=False)
    field = forms.ModelChoiceField(
        label="Lĩnh vực", queryset=Field.objects.none(), required=False, empty_label="Tất cả"
    )
    unit = UnitChoiceField(label="Cơ quan trả lời", queryset=Unit.objects.none(), required=False, empty_label="Tất cả")

    def __init__(self, *args, fields=None, units=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["field"].queryset = fields if fields is not None else Field.objects.none()
        self.fields["unit"].queryset = units if units is not None else Unit.objects.none()


# --- back office ---------------------------------------------------------------------------------

STATUS_FILTER = [("open", "Đang chờ xử lý"), ("", "Tất cả"), *Status.choices]


class QueueFilterForm(forms.Form):
    status = forms.ChoiceField(label="Tình trạng", choices=STATUS_FILTER, required=False)
    q = forms.CharField(label="Mã, tiêu đề", max_length=100, required=False)


class RejectForm(forms.Form):
    reason = forms.CharField(label="Lý do từ chối", widget=forms.Textarea(attrs={"rows": 3}), max_length=2000)


class RequestInfoForm(forms.Form):
    what = forms.CharField(label="Thông tin cần bổ sung", widget=forms.Textarea(attrs={"rows": 3}), max_length=2000)


class ClassifyForm(forms.Form):
    kind = forms.ChoiceField(label="Loại", choices=Kind.choices)
    field = forms.ModelChoiceField(label="Lĩnh vực", queryset=Field.objects.order_by("name"), required=False)
    unit = UnitChoiceField(
        label="Đơn vị xử lý", queryset=Unit.objects.none(), help_text="Chọn đơn vị khác để chuyển xử lý."
    )
    note = forms.CharField(label="Ghi chú", required=False, max_length=1000)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = Unit.objects.filter(active=True).order_by("path")


class AnswerForm(forms.Form):
    text = forms.CharField(label="Nội dung trả lời", widget=forms.Textarea(attrs={"rows": 8}), max_length=20000)
    signer = forms.CharField(label="Người ký (họ tên, chức vụ)", max_length=200)


class PublishForm(forms.Form):
    title = forms.CharField(label="Tiêu đề công khai", max_length=255)
    question = forms.CharField(label="Nội dung phản ánh công khai", widget=forms.Textarea(attrs={"rows": 6}))
    answer_text = forms.CharField(label="Nội dung trả lời công khai", widget=forms.Textarea(attrs={"rows": 8}))
    no_personal_data = forms.BooleanField(
        label="Tôi đã kiểm tra: nội dung công khai không có họ tên, địa chỉ, số điện thoại, thư điện tử, số định danh "
        "của người gửi hay người khác."
    )


ACTION_FORMS = {
    "reject": RejectForm,
    "request_info": RequestInfoForm,
    "classify": ClassifyForm,
    "answer": AnswerForm,
    "publish": PublishForm,
}
DANGER_ACTIONS = {"reject"}
