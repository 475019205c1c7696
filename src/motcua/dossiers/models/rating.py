"""The applicant's rating of a dossier's handling (Decree 61/2018 Art. 28–32; regulations.md §9).

One rating per dossier, given after the result (status 9 or 10) on the portal, on the kiosk at the
counter, or by the officer entering a paper form. The overall level uses the five-point scale of the
ministries' survey forms; the aspects are those of Decree 61 Art. 30 that a citizen can judge for one
dossier. Written only through ``dossiers.actions.rate`` (which also appends the ``rate`` event the
reports count).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models


class RatingLevel(models.IntegerChoices):
    VERY_SATISFIED = 5, "Rất hài lòng"
    SATISFIED = 4, "Hài lòng"
    NEUTRAL = 3, "Bình thường"
    DISSATISFIED = 2, "Không hài lòng"
    VERY_DISSATISFIED = 1, "Rất không hài lòng"


class RatingChannel(models.TextChoices):
    PORTAL = "portal", "Cổng dịch vụ công"
    KIOSK = "kiosk", "Thiết bị đánh giá tại Bộ phận Một cửa"
    PAPER = "paper", "Phiếu đánh giá giấy (cán bộ nhập)"


# Decree 61/2018 Art. 30: what the applicant evaluates; each answered on the same five-point scale.
ASPECTS: dict[str, str] = {
    "time": "Thời gian giải quyết so với quy định",
    "contacts": "Số lần phải liên hệ để hoàn thiện hồ sơ",
    "agencies": "Số cơ quan, đơn vị phải liên hệ",
    "information": "Sự chính xác của thông tin thủ tục được công khai",
    "attitude": "Thái độ, cách ứng xử của công chức",
    "legality": "Kết quả đúng quy định, không phát sinh chi phí ngoài quy định",
    "feedback": "Việc tiếp nhận, xử lý ý kiến, phản ánh",
    "online": "Chất lượng dịch vụ công trực tuyến",
}


class DossierRating(models.Model):
    dossier = models.OneToOneField("dossiers.Dossier", on_delete=models.CASCADE, related_name="rating")
    level = models.PositiveSmallIntegerField("mức độ hài lòng", choices=RatingLevel.choices)
    aspects = models.JSONField("đánh giá từng tiêu chí", default=dict, blank=True)
    comment = models.TextField("ý kiến khác", blank=True, max_length=2000)
    channel = models.CharField("kênh đánh giá", max_length=10, choices=RatingChannel.choices)
    account = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    at = models.DateTimeField("thời điểm đánh giá")

    class Meta:
        verbose_name = "đánh giá hài lòng"
        verbose_name_plural = "đánh giá hài lòng"

    def __str__(self) -> str:
        return f"{self.dossier_id}: {self.get_level_display()}"

    @property
    def satisfied(self) -> bool:
        """Counted as satisfied by the 766 indicator 5.4 (satisfied or very satisfied)."""
        return self.level >= RatingLevel.SATISFIED
