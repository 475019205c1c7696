"""Small display helpers for citizen pages."""

from decimal import Decimal

from django import template

register = template.Library()


@register.filter
def vnd(value) -> str:
    """50000 → "50.000 đồng" (Vietnamese thousands separator)."""
    try:
        amount = int(Decimal(value))
    except (TypeError, ValueError, ArithmeticError):
        return ""
    return f"{amount:,}".replace(",", ".") + " đồng"
