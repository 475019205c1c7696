"""The ``motcua`` console script and the demo data that ``make run`` loads."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import CommandError

from motcua.organizations.demo import DEMO_ACCOUNTS, DEMO_PASSWORD
from motcua.organizations.models import Unit, UnitKind
from motcua.organizations.scoping import has_unit_perm


def test_console_script_runs_django_commands_from_any_directory(tmp_path):
    script = shutil.which("motcua") or str(Path(sys.executable).with_name("motcua"))
    env = {**os.environ, "MOTCUA_HOME": str(tmp_path), "SECRET_KEY": "k" * 40}
    env.pop("DATABASE_URL", None)
    result = subprocess.run([script, "check"], cwd=tmp_path, env=env, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert "no issues" in result.stdout


def test_demo_load_creates_a_real_province_with_staff(db, capsys):
    call_command("demo", "load")
    out = capsys.readouterr().out
    assert DEMO_PASSWORD in out and "motcua.thuanhoa" in out
    province = Unit.objects.get(kind=UnitKind.PROVINCE_COMMITTEE)
    assert province.name == "Ủy ban nhân dân thành phố Huế"
    assert Unit.objects.filter(kind=UnitKind.COMMUNE_CENTER).count() == 5
    assert all(u.is_within(province) for u in Unit.objects.all())
    User = get_user_model()
    for account in DEMO_ACCOUNTS:
        assert User.objects.get(username=account.username).check_password(DEMO_PASSWORD)
    officer = User.objects.get(username="motcua.thuanhoa")
    other_center = Unit.objects.get(agency_code="000.01.44.H57")
    assert not has_unit_perm(officer, "organizations.view_unit_data", other_center)


def test_demo_load_if_empty_is_safe_to_repeat(db, capsys):
    call_command("demo", "load", "--if-empty")
    count = Unit.objects.count()
    call_command("demo", "load", "--if-empty")
    assert Unit.objects.count() == count
    assert "không nạp dữ liệu mẫu" in capsys.readouterr().out


def test_demo_load_refuses_a_database_with_data(db, province):
    with pytest.raises(CommandError):
        call_command("demo", "load")


def test_the_demo_signs_its_receipts_with_a_test_certificate_for_the_whole_city(db, capsys):
    from motcua.payments.receipts import issuer_for

    call_command("demo", "load")
    ward_center = Unit.objects.get(agency_code="000.01.41.H57")
    issuer = issuer_for(ward_center)
    assert issuer is not None and issuer.unit.kind == UnitKind.PROVINCE_COMMITTEE
    assert "BEGIN CERTIFICATE" in issuer.certificate_pem and issuer.series.startswith("TN")
