"""Dossier statuses with the national portal's codes (TrangThaiHoSo, regulations.md §1.12)."""

from django.db import models

from motcua.catalog.models import Channel


class Status(models.IntegerChoices):
    NEW = 1, "Mới đăng ký"
    RECEIVED = 2, "Được tiếp nhận"
    NOT_RECEIVED = 3, "Không được tiếp nhận"
    PROCESSING = 4, "Đang xử lý"
    SUPPLEMENT = 5, "Yêu cầu bổ sung giấy tờ"
    FINANCIAL = 6, "Yêu cầu thực hiện nghĩa vụ tài chính"
    WITHDRAWN = 7, "Công dân yêu cầu rút hồ sơ"
    STOPPED = 8, "Dừng xử lý"
    DONE = 9, "Đã xử lý xong"
    RETURNED = 10, "Đã trả kết quả"


OPEN_STATUSES = (Status.RECEIVED, Status.PROCESSING, Status.SUPPLEMENT, Status.FINANCIAL)
FINAL_STATUSES = (Status.NOT_RECEIVED, Status.WITHDRAWN, Status.STOPPED, Status.RETURNED)


# A dossier arrives through one of the channels its procedure offers: the same three (Decree 61 Art. 16).
DossierChannel = Channel


class ResultDelivery(models.TextChoices):
    COUNTER = "counter", "Nhận tại Bộ phận Một cửa"
    POST = "post", "Nhận qua dịch vụ bưu chính"
    ONLINE = "online", "Nhận kết quả điện tử"


class ResultKind(models.TextChoices):
    GRANTED = "granted", "Kết quả giải quyết"
    REFUSAL = "refusal", "Văn bản từ chối giải quyết"
