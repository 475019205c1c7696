"""User accounts and the record of failed logins used to stop password guessing."""

from __future__ import annotations

from django.contrib.auth.models import AbstractUser
from django.db import models


class User(AbstractUser):
    """A person who signs in: a civil servant today, a citizen once the portal arrives."""

    full_name = models.CharField("họ và tên", max_length=150, blank=True)
    phone = models.CharField("số điện thoại", max_length=20, blank=True)

    class Meta(AbstractUser.Meta):
        verbose_name = "tài khoản"
        verbose_name_plural = "tài khoản"
        swappable = "AUTH_USER_MODEL"

    def __str__(self) -> str:
        return self.full_name or self.username

    def get_full_name(self) -> str:
        return self.full_name or super().get_full_name() or self.username


class LoginFailure(models.Model):
    """One failed login. Kept per username (case-folded) so guessing is slowed whoever the attacker is.

    No password, and no personal data beyond the username typed and the client address, is stored.
    """

    username = models.CharField(max_length=150, db_index=True)
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = "đăng nhập sai"
        verbose_name_plural = "đăng nhập sai"
        ordering = ["-at"]

    def __str__(self) -> str:
        return f"{self.username} {self.at:%d/%m/%Y %H:%M}"
