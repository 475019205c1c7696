"""The Vietnamese default texts. Administrators edit them in the admin; this migration only adds the
ones that are missing, so it never overwrites an edited text."""

from django.db import migrations

SIGNATURE = (
    "\n\n--\n{{ receiving_unit }}\nTra cứu hồ sơ: {{ tracking_url }}\nThư này được gửi tự động, xin đừng trả lời."
)

EMAIL = {
    "dossier_received": (
        "Tiếp nhận hồ sơ",
        "[Một cửa] Đã tiếp nhận hồ sơ {{ code }}",
        "Kính gửi ông/bà {{ applicant }},\n\n"
        "Hồ sơ {{ code }} ({{ procedure }}) đã được tiếp nhận lúc {{ at }}.\n"
        "Ngày hẹn trả kết quả: {{ due }}.\n\n"
        "Ông/bà có thể tra cứu tình trạng giải quyết hồ sơ tại {{ tracking_url }}." + SIGNATURE,
    ),
    "supplement_requested": (
        "Yêu cầu bổ sung hồ sơ",
        "[Một cửa] Hồ sơ {{ code }} cần bổ sung giấy tờ",
        "Kính gửi ông/bà {{ applicant }},\n\n"
        "Hồ sơ {{ code }} ({{ procedure }}) cần được bổ sung, hoàn thiện.\n"
        "Lý do: {{ reason }}\n"
        "{% if documents %}Giấy tờ cần bổ sung:\n{% for item in documents %}- {{ item }}\n{% endfor %}{% endif %}\n"
        "Thời hạn giải quyết được tính lại khi nhận đủ hồ sơ bổ sung. Xin ông/bà nộp bổ sung tại nơi đã nộp "
        "hồ sơ hoặc trên Cổng dịch vụ công." + SIGNATURE,
    ),
    "apology": (
        "Xin lỗi và hẹn lại ngày trả kết quả",
        "[Một cửa] Hẹn lại ngày trả kết quả hồ sơ {{ code }}",
        "Kính gửi ông/bà {{ applicant }},\n\n"
        "Cơ quan giải quyết chân thành xin lỗi ông/bà vì hồ sơ {{ code }} ({{ procedure }}) chưa giải quyết "
        "xong đúng hẹn{% if old_due %} ({{ old_due }}){% endif %}.\n"
        "Lý do: {{ reason }}\n"
        "Ngày hẹn trả kết quả mới: {{ new_due }}.\n\n"
        "Mong ông/bà thông cảm." + SIGNATURE,
    ),
    "result_ready": (
        "Đã có kết quả",
        "[Một cửa] Hồ sơ {{ code }} đã có kết quả",
        "Kính gửi ông/bà {{ applicant }},\n\n"
        "{% if refused %}Hồ sơ {{ code }} ({{ procedure }}) đã có văn bản trả lời của cơ quan giải quyết "
        "(không giải quyết).\nLý do: {{ reason }}\n"
        "{% else %}Hồ sơ {{ code }} ({{ procedure }}) đã giải quyết xong.\n{% endif %}"
        "Hình thức nhận kết quả: {{ delivery }}.\n"
        "{% if online_result %}Ông/bà nhận kết quả điện tử trên Cổng dịch vụ công."
        "{% else %}Mời ông/bà đến nhận kết quả theo ngày hẹn ({{ due }}), mang theo giấy tiếp nhận hồ sơ "
        "và giấy tờ tùy thân.{% endif %}" + SIGNATURE,
    ),
    "early_return": (
        "Thông báo trả kết quả trước hạn",
        "[Một cửa] Hồ sơ {{ code }} có kết quả trước ngày hẹn",
        "Kính gửi ông/bà {{ applicant }},\n\n"
        "Hồ sơ {{ code }} ({{ procedure }}) đã có kết quả trước ngày hẹn ({{ due }}).\n"
        "Ông/bà có thể nhận kết quả từ nay, không cần chờ đến ngày hẹn." + SIGNATURE,
    ),
    "result_returned": (
        "Đã trả kết quả",
        "[Một cửa] Đã trả kết quả hồ sơ {{ code }}",
        "Kính gửi ông/bà {{ applicant }},\n\n"
        "Kết quả giải quyết hồ sơ {{ code }} ({{ procedure }}) đã được trả lúc {{ at }}"
        "{% if delivery %} ({{ delivery }}){% endif %}.\n"
        "{% if postal_tracking %}Mã vận đơn bưu chính: {{ postal_tracking }}.\n{% endif %}\n"
        "Ông/bà có thể đánh giá mức độ hài lòng về việc giải quyết hồ sơ trên Cổng dịch vụ công." + SIGNATURE,
    ),
    "payment_requested": (
        "Yêu cầu nộp phí, lệ phí",
        "[Một cửa] Hồ sơ {{ code }}: đề nghị thực hiện nghĩa vụ tài chính",
        "Kính gửi ông/bà {{ applicant }},\n\n"
        "Để tiếp tục giải quyết hồ sơ {{ code }} ({{ procedure }}), đề nghị ông/bà nộp {{ amount }}"
        "{% if reason %} ({{ reason }}){% endif %}.\n"
        "Tổng số còn phải nộp: {{ outstanding }}.\n"
        "Ông/bà có thể nộp tại Bộ phận Một cửa hoặc thanh toán trực tuyến trên Cổng dịch vụ công." + SIGNATURE,
    ),
    "payment_received": (
        "Đã nhận tiền nộp",
        "[Một cửa] Đã nhận {{ amount }} cho hồ sơ {{ code }}",
        "Kính gửi ông/bà {{ applicant }},\n\n"
        "Đã nhận {{ amount }} nộp cho hồ sơ {{ code }} ({{ procedure }}) lúc {{ at }}"
        "{% if reference %}, mã giao dịch {{ reference }}{% endif %}.\n"
        "Số còn phải nộp: {{ outstanding }}." + SIGNATURE,
    ),
    "account_verification": (
        "Mã xác thực tài khoản",
        "[Một cửa] Mã xác thực tài khoản: {{ verification_code }}",
        "Kính gửi ông/bà {{ applicant }},\n\n"
        "Mã xác thực tài khoản của ông/bà trên {{ site_name }} là: {{ verification_code }}\n"
        "Mã có hiệu lực trong {{ valid_minutes|default:15 }} phút. Không cung cấp mã này cho bất kỳ ai.\n\n"
        "Nếu ông/bà không đăng ký tài khoản, xin bỏ qua thư này.\n\n--\n{{ site_name }}\n"
        "Thư này được gửi tự động, xin đừng trả lời.",
    ),
}

SMS = {
    "dossier_received": "Ho so {{ code }} da duoc tiep nhan. Hen tra ket qua: {{ due }}. Tra cuu: {{ tracking_url }}",
    "supplement_requested": (
        "Ho so {{ code }} can bo sung: {{ reason }}{% if documents %}. Giay to: {{ documents|join:'; ' }}{% endif %}"
    ),
    "apology": "Xin loi: ho so {{ code }} chua giai quyet xong dung hen. Hen tra moi: {{ new_due }}. Ly do: {{ reason }}",
    "result_ready": (
        "Ho so {{ code }} da co {% if refused %}van ban tra loi{% else %}ket qua{% endif %}. "
        "Tra cuu: {{ tracking_url }}"
    ),
    "early_return": "Ho so {{ code }} da co ket qua truoc ngay hen {{ due }}. Moi ong/ba den nhan tu nay.",
    "result_returned": "Da tra ket qua ho so {{ code }}.{% if postal_tracking %} Ma van don: {{ postal_tracking }}.{% endif %}",
    "payment_requested": "Ho so {{ code }}: de nghi nop {{ amount }}. Nop tai Bo phan Mot cua hoac truc tuyen.",
    "payment_received": "Da nhan {{ amount }} cho ho so {{ code }}.{% if reference %} Ma GD: {{ reference }}.{% endif %}",
    "account_verification": "Ma xac thuc tai khoan: {{ verification_code }} (hieu luc {{ valid_minutes|default:15 }} phut). Khong cung cap ma cho nguoi khac.",
}


def create_defaults(apps, schema_editor):
    Template = apps.get_model("notifications", "NotificationTemplate")
    for code, (name, subject, body) in EMAIL.items():
        Template.objects.get_or_create(
            code=code, channel="email", defaults={"name": name, "subject": subject, "body": body}
        )
    for code, body in SMS.items():
        Template.objects.get_or_create(
            code=code, channel="sms", defaults={"name": EMAIL[code][0] + " (SMS)", "subject": "", "body": body}
        )


class Migration(migrations.Migration):
    dependencies = [("notifications", "0001_initial")]

    operations = [migrations.RunPython(create_defaults, migrations.RunPython.noop)]
