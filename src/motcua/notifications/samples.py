"""Sample values for the admin's preview of a template (and the variables each template may use)."""

from __future__ import annotations

COMMON = {
    "code": "000.01.41.H57-260309-0001",
    "procedure": "Thủ tục đăng ký khai sinh",
    "applicant": "Nguyễn Văn An",
    "receiving_unit": "Trung tâm Phục vụ hành chính công phường Thuận Hóa",
    "tracking_url": "https://dichvucong.example.gov.vn/tra-cuu/?ma=000.01.41.H57-260309-0001",
    "due": "12/03/2026 17:00",
    "reason": "",
    "at": "09/03/2026 09:00",
    "site_name": "Hệ thống một cửa điện tử",
    "site_url": "https://dichvucong.example.gov.vn",
}

SAMPLES: dict[str, dict] = {
    "dossier_received": {},
    "supplement_requested": {
        "reason": "Giấy chứng sinh bị mờ, không đọc được",
        "documents": ["Giấy chứng sinh (bản rõ)", "Văn bản ủy quyền"],
        "due": "",
    },
    "apology": {
        "reason": "Chờ kết quả xác minh của cơ quan phối hợp",
        "old_due": "12/03/2026 17:00",
        "new_due": "18/03/2026 17:00",
        "due": "18/03/2026 17:00",
    },
    "result_ready": {"refused": False, "delivery": "Nhận tại Bộ phận Một cửa", "online_result": False},
    "early_return": {},
    "result_returned": {"delivery": "Nhận qua dịch vụ bưu chính", "postal_tracking": "EB123456789VN"},
    "payment_requested": {"amount": "50.000 đồng", "outstanding": "50.000 đồng", "reason": "Lệ phí trích lục"},
    "payment_received": {"amount": "50.000 đồng", "outstanding": "0 đồng", "reference": "BL-000123"},
    "account_verification": {"verification_code": "482913", "valid_minutes": 15, "applicant": "Nguyễn Văn An"},
}


def sample_context(code: str) -> dict:
    return {**COMMON, **SAMPLES.get(code, {})}
