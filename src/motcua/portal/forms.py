"""Citizen forms: sign-up, verification, login by phone or email, profile and the online submission."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth import get_user_model, password_validation
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils import timezone

from motcua.accounts.backends import normalize_login
from motcua.accounts.forms import LoginForm
from motcua.core.text import clean_text
from motcua.dossiers.models import ApplicantKind, ResultDelivery
from motcua.dossiers.models.applicant import normalize_phone, validate_citizen_id, validate_phone, validate_tax_code
from motcua.organizations.models import AdministrativeArea, AreaLevel
from motcua.portal.models import CitizenProfile

KIND_CHOICES = [(ApplicantKind.INDIVIDUAL, "Cá nhân"), (ApplicantKind.ORGANIZATION, "Tổ chức, doanh nghiệp")]


def _text(label: str, *, required: bool = False, max_length: int = 255, help_text: str = "", **attrs: Any):
    return forms.CharField(
        label=label,
        required=required,
        max_length=max_length,
        help_text=help_text,
        widget=forms.TextInput(attrs=attrs),
        error_messages={"required": "Bắt buộc nhập.", "max_length": "Quá dài (tối đa %(limit_value)d ký tự)."},
    )


def _date(label: str):
    return forms.DateField(
        label=label,
        required=False,
        help_text="Dạng ngày/tháng/năm, ví dụ 01/05/1990.",
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "bday", "placeholder": "dd/mm/yyyy"}),
        error_messages={"invalid": "Ngày không hợp lệ: nhập dạng ngày/tháng/năm, ví dụ 01/05/1990."},
    )


def canonical_phone(value: str) -> str:
    value = normalize_phone(value)
    return "0" + value[3:] if value.startswith("+84") else value


class DescribedFormMixin:
    """Ties each field's hint and errors to its input (``aria-describedby``), for screen readers."""

    def described(self):
        for name, field in self.fields.items():
            bound = self[name]
            ids = []
            if field.help_text:
                ids.append(f"{bound.auto_id}_helptext")
            if name in (getattr(self, "_errors", None) or {}):
                ids.append(f"{bound.auto_id}_error")
                field.widget.attrs["aria-invalid"] = "true"
            if ids:
                field.widget.attrs["aria-describedby"] = " ".join(ids)
        return self


class IdentityFieldsMixin:
    """Clean rules shared by sign-up and profile: kind-dependent required fields, 12-digit ID, tax code."""

    def clean_full_name(self) -> str:
        return clean_text(self.cleaned_data.get("full_name", ""))

    def clean_id_number(self) -> str:
        value = (self.cleaned_data.get("id_number") or "").replace(" ", "")
        if value:
            validate_citizen_id(value)
        return value

    def clean_tax_code(self) -> str:
        value = (self.cleaned_data.get("tax_code") or "").replace(" ", "")
        if value:
            validate_tax_code(value)
        return value

    def clean_date_of_birth(self):
        value = self.cleaned_data.get("date_of_birth")
        if value and value > timezone.localdate():
            raise ValidationError("Ngày sinh ở tương lai.")
        return value

    def check_kind(self, data: dict[str, Any]) -> None:
        if data.get("kind") == ApplicantKind.ORGANIZATION:
            if not data.get("organization_name") and "organization_name" not in self.errors:
                self.add_error("organization_name", "Nhập tên tổ chức.")
            if not data.get("tax_code") and "tax_code" not in self.errors:
                self.add_error("tax_code", "Tổ chức phải có mã số thuế.")
        elif not data.get("id_number") and "id_number" not in self.errors:
            self.add_error("id_number", "Nhập số định danh cá nhân (12 chữ số trên thẻ căn cước).")


class SignUpForm(DescribedFormMixin, IdentityFieldsMixin, forms.Form):
    kind = forms.ChoiceField(
        label="Bạn đăng ký cho", choices=KIND_CHOICES, initial=ApplicantKind.INDIVIDUAL, widget=forms.RadioSelect
    )
    full_name = _text(
        "Họ và tên", required=True, help_text="Với tổ chức: họ và tên người đại diện.", autocomplete="name"
    )
    id_number = _text(
        "Số định danh cá nhân",
        max_length=20,
        help_text="12 chữ số trên thẻ căn cước. Bắt buộc với cá nhân.",
        inputmode="numeric",
    )
    organization_name = _text("Tên tổ chức", help_text="Chỉ khi đăng ký cho tổ chức.", autocomplete="organization")
    tax_code = _text("Mã số thuế của tổ chức", max_length=14, inputmode="numeric")
    phone = _text(
        "Số điện thoại",
        max_length=20,
        help_text="Nhập số điện thoại hoặc thư điện tử (hoặc cả hai): dùng để đăng nhập và nhận mã xác minh.",
        inputmode="tel",
        autocomplete="tel",
    )
    email = forms.EmailField(
        label="Thư điện tử",
        required=False,
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
        error_messages={"invalid": "Địa chỉ thư điện tử không hợp lệ."},
    )
    password1 = forms.CharField(
        label="Mật khẩu",
        strip=False,
        help_text="Ít nhất 10 ký tự, không chỉ gồm chữ số.",
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        error_messages={"required": "Bắt buộc nhập."},
    )
    password2 = forms.CharField(
        label="Nhập lại mật khẩu",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        error_messages={"required": "Bắt buộc nhập."},
    )

    def clean_phone(self) -> str:
        value = self.cleaned_data.get("phone", "").strip()
        if not value:
            return ""
        validate_phone(value)
        value = canonical_phone(value)
        if _taken(Q(phone=value)):
            raise ValidationError("Số điện thoại này đã có tài khoản. Hãy đăng nhập.")
        return value

    def clean_email(self) -> str:
        value = self.cleaned_data.get("email", "").strip().casefold()
        if value and _taken(Q(email__iexact=value)):
            raise ValidationError("Thư điện tử này đã có tài khoản. Hãy đăng nhập.")
        return value

    def clean_id_number(self) -> str:
        value = super().clean_id_number()
        if value and CitizenProfile.objects.filter(id_number=value, verified_at__isnull=False).exists():
            raise ValidationError("Số định danh này đã có tài khoản. Hãy đăng nhập, hoặc liên hệ Bộ phận Một cửa.")
        return value

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        self.check_kind(data)
        if not data.get("phone") and not data.get("email") and not {"phone", "email"} & set(self.errors):
            self.add_error("phone", "Nhập số điện thoại hoặc thư điện tử.")
        p1, p2 = data.get("password1"), data.get("password2")
        if p1 and p2 and p1 != p2:
            self.add_error("password2", "Hai mật khẩu không giống nhau.")
        elif p1:
            probe = get_user_model()(full_name=data.get("full_name", ""), email=data.get("email", ""))
            try:
                password_validation.validate_password(p1, probe)
            except ValidationError as exc:
                self.add_error("password1", exc)
        return data


def _taken(condition: Q) -> bool:
    """Held by an account in use; unverified sign-ups are replaced (see ``views.sign_up``)."""
    users = get_user_model().objects.filter(condition)
    return users.filter(Q(is_active=True) | Q(citizen_profile__isnull=True)).exists()


class VerifyForm(DescribedFormMixin, forms.Form):
    code = forms.CharField(
        label="Mã xác minh (6 chữ số)",
        max_length=12,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "one-time-code"}),
        error_messages={"required": "Nhập mã xác minh đã gửi cho bạn."},
    )


class CitizenLoginForm(LoginForm):
    username = forms.CharField(
        label="Số điện thoại, thư điện tử hoặc tên đăng nhập",
        max_length=254,
        widget=forms.TextInput(attrs={"autofocus": True, "autocomplete": "username"}),
    )
    error_messages = {
        **LoginForm.error_messages,
        "invalid_login": (
            "Số điện thoại/thư điện tử hoặc mật khẩu không đúng. Lưu ý: mật khẩu phân biệt chữ hoa, chữ thường. "
            "Nếu bạn vừa đăng ký, hãy xác minh tài khoản bằng mã đã được gửi trước."
        ),
    }

    def clean_username(self) -> str:
        return normalize_login(self.cleaned_data.get("username", ""))


class ProfileForm(DescribedFormMixin, IdentityFieldsMixin, forms.Form):
    full_name = _text("Họ và tên", required=True, autocomplete="name")
    id_number = _text("Số định danh cá nhân", max_length=20, help_text="12 chữ số.", inputmode="numeric")
    date_of_birth = _date("Ngày sinh")
    address = _text("Địa chỉ", max_length=500, autocomplete="street-address")
    commune_code = _text(
        "Mã xã, phường (nếu biết)",
        max_length=10,
        help_text="Mã đơn vị hành chính cấp xã theo danh mục quốc gia, ví dụ 19753.",
        inputmode="numeric",
    )
    organization_name = _text("Tên tổ chức", autocomplete="organization")
    tax_code = _text("Mã số thuế", max_length=14, inputmode="numeric")

    def __init__(self, *args: Any, profile: CitizenProfile, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.profile = profile
        if profile.is_organization:
            self.fields["full_name"].label = "Họ và tên người đại diện"
            self.fields["organization_name"].required = True
            self.fields["tax_code"].required = True
        else:
            del self.fields["organization_name"]
            del self.fields["tax_code"]
            self.fields["id_number"].required = True

    def clean_commune_code(self):
        code = (self.cleaned_data.get("commune_code") or "").strip()
        if not code:
            return None
        area = AdministrativeArea.objects.filter(code=code, level=AreaLevel.COMMUNE).first()
        if area is None:
            raise ValidationError("Không có xã, phường mã này trong danh mục.")
        return area

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        data["kind"] = self.profile.kind
        self.check_kind(data)
        return data


class SubmissionForm(DescribedFormMixin, IdentityFieldsMixin, forms.Form):
    """The applicant and delivery part of an online submission; files are handled by the view, per line."""

    full_name = _text("Họ và tên chủ hồ sơ", required=True, autocomplete="name")
    id_number = _text("Số định danh cá nhân", max_length=20, help_text="12 chữ số.", inputmode="numeric")
    date_of_birth = _date("Ngày sinh")
    organization_name = _text("Tên tổ chức", autocomplete="organization")
    tax_code = _text("Mã số thuế", max_length=14, inputmode="numeric")
    phone = _text("Số điện thoại", max_length=20, inputmode="tel", autocomplete="tel")
    email = forms.EmailField(
        label="Thư điện tử",
        required=False,
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
        error_messages={"invalid": "Địa chỉ thư điện tử không hợp lệ."},
    )
    address = _text("Địa chỉ", max_length=500, autocomplete="street-address")
    receiving_unit = forms.ChoiceField(
        label="Nơi tiếp nhận hồ sơ", error_messages={"required": "Chọn nơi tiếp nhận.", "invalid_choice": "Chọn lại."}
    )
    result_delivery = forms.ChoiceField(
        label="Cách nhận kết quả",
        choices=[
            (ResultDelivery.ONLINE, "Nhận kết quả điện tử trên Cổng (tải về)"),
            (ResultDelivery.POST, "Gửi qua bưu chính đến địa chỉ dưới đây"),
            (ResultDelivery.COUNTER, "Nhận tại Bộ phận Một cửa"),
        ],
        initial=ResultDelivery.ONLINE,
        widget=forms.RadioSelect,
        error_messages={"required": "Chọn cách nhận kết quả."},
    )
    delivery_address = _text(
        "Địa chỉ nhận kết quả qua bưu chính", max_length=500, help_text="Chỉ cần khi nhận qua bưu chính."
    )

    FIELDS = (
        "full_name",
        "id_number",
        "date_of_birth",
        "organization_name",
        "tax_code",
        "phone",
        "email",
        "address",
        "receiving_unit",
        "result_delivery",
        "delivery_address",
    )

    def __init__(self, *args: Any, kind: str, units: list, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.kind = kind
        self.fields["receiving_unit"].choices = [("", "— Chọn nơi tiếp nhận —")] + [(str(u.pk), u.name) for u in units]
        if kind == ApplicantKind.ORGANIZATION:
            self.fields["full_name"].label = "Họ và tên người đại diện"
            del self.fields["id_number"]
            del self.fields["date_of_birth"]
        else:
            del self.fields["organization_name"]
            del self.fields["tax_code"]

    def clean_phone(self) -> str:
        value = (self.cleaned_data.get("phone") or "").strip()
        if value:
            validate_phone(value)
        return canonical_phone(value) if value else ""

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        data["kind"] = self.kind
        self.check_kind(data)
        if data.get("result_delivery") == ResultDelivery.POST and not (data.get("delivery_address") or "").strip():
            self.add_error("delivery_address", "Nhập địa chỉ để bưu điện chuyển kết quả.")
        return data


class LinkDossierForm(DescribedFormMixin, forms.Form):
    """The "Thêm hồ sơ nộp tại quầy" form: dossier code and lookup secret, both printed on the receipt (form 01)."""

    ma = _text(
        "Mã hồ sơ",
        required=True,
        max_length=80,
        help_text="In trên Giấy tiếp nhận, ví dụ 000.01.41.H57-260309-0001.",
        autocomplete="off",
    )
    secret = _text(
        "Mã tra cứu",
        required=True,
        max_length=32,
        help_text="8 ký tự in trên Giấy tiếp nhận, cạnh mã hồ sơ.",
        autocomplete="off",
    )
