"""Login form with lockout messages in Vietnamese."""

from __future__ import annotations

from django import forms
from django.contrib.auth.forms import AuthenticationForm

from motcua.accounts.lockout import locked_until, lockout_message


class LoginForm(AuthenticationForm):
    username = forms.CharField(
        label="Tên đăng nhập",
        max_length=150,
        widget=forms.TextInput(attrs={"autofocus": True, "autocomplete": "username"}),
    )
    password = forms.CharField(
        label="Mật khẩu", strip=False, widget=forms.PasswordInput(attrs={"autocomplete": "current-password"})
    )

    error_messages = {
        "invalid_login": "Tên đăng nhập hoặc mật khẩu không đúng. Lưu ý: mật khẩu phân biệt chữ hoa, chữ thường.",
        "inactive": "Tài khoản này đã bị vô hiệu hóa.",
    }

    def clean(self):
        username = self.cleaned_data.get("username")
        until = locked_until(username) if username else None
        if until:
            raise forms.ValidationError(lockout_message(until), code="locked")
        try:
            return super().clean()
        except forms.ValidationError:
            until = locked_until(username) if username else None
            if until:
                raise forms.ValidationError(lockout_message(until), code="locked") from None
            raise
