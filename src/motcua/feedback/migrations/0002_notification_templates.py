"""Vietnamese default messages to the submitter of a feedback. Only missing ones are added, so an
administrator's edited text is never overwritten."""

from django.db import migrations

SIGNATURE = "\n\n--\n{{ unit }}\nTra cứu: {{ tracking_url }}\nThư này được gửi tự động, xin đừng trả lời."

EMAIL = {
    "feedback_received": (
        "Đã nhận phản ánh, kiến nghị",
        "[Một cửa] Phản ánh, kiến nghị: Đã nhận {{ code }}",
        "Kính gửi ông/bà {{ name }},\n\n"
        "Phản ánh, kiến nghị “{{ subject }}” đã được tiếp nhận với mã {{ code }}.\n"
        "Ông/bà tra cứu kết quả xử lý bằng mã này và mã tra cứu được hiển thị khi gửi." + SIGNATURE,
    ),
    "feedback_rejected": (
        "Từ chối tiếp nhận phản ánh, kiến nghị",
        "[Một cửa] Phản ánh, kiến nghị: {{ code }} không được tiếp nhận",
        "Kính gửi ông/bà {{ name }},\n\n"
        "Phản ánh, kiến nghị {{ code }} (“{{ subject }}”) không được tiếp nhận xử lý.\n"
        "Lý do: {{ reason }}" + SIGNATURE,
    ),
    "feedback_info_requested": (
        "Đề nghị bổ sung thông tin phản ánh, kiến nghị",
        "[Một cửa] Phản ánh, kiến nghị: {{ code }} cần bổ sung thông tin",
        "Kính gửi ông/bà {{ name }},\n\n"
        "Để xử lý phản ánh, kiến nghị {{ code }} (“{{ subject }}”), đề nghị ông/bà bổ sung:\n{{ reason }}\n\n"
        "Ông/bà bổ sung trên trang tra cứu (cần mã tra cứu). Thời hạn xử lý được tính lại từ khi nhận đủ "
        "thông tin." + SIGNATURE,
    ),
    "feedback_answered": (
        "Trả lời phản ánh, kiến nghị",
        "[Một cửa] Phản ánh, kiến nghị: Trả lời {{ code }}",
        "Kính gửi ông/bà {{ name }},\n\n"
        "{{ unit }} trả lời phản ánh, kiến nghị {{ code }} (“{{ subject }}”) như sau:\n\n{{ answer }}\n\n"
        "Người ký: {{ signer }}" + SIGNATURE,
    ),
}

SMS = {
    "feedback_received": "Da nhan phan anh, kien nghi {{ code }}. Tra cuu: {{ tracking_url }}",
    "feedback_rejected": "Phan anh, kien nghi {{ code }} khong duoc tiep nhan. Xem ly do: {{ tracking_url }}",
    "feedback_info_requested": "Phan anh, kien nghi {{ code }} can bo sung thong tin. Xem va bo sung: {{ tracking_url }}",
    "feedback_answered": "Phan anh, kien nghi {{ code }} da duoc tra loi. Xem: {{ tracking_url }}",
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


def remove_defaults(apps, schema_editor):
    Template = apps.get_model("notifications", "NotificationTemplate")
    Template.objects.filter(code__in=list(EMAIL)).delete()


class Migration(migrations.Migration):
    dependencies = [("feedback", "0001_initial"), ("notifications", "0002_default_templates")]

    operations = [migrations.RunPython(create_defaults, remove_defaults)]
