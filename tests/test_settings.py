"""The production settings refuse to start half-configured, and pass Django's deploy checks."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
GOOD = {
    "SECRET_KEY": "k3H9x!q2Lz7@pW4r#Vb8nM1c$Tt6yJ0sD5fG&hA-uE=iO+oP_lK*jN(mB)vC%xZ",
    "ALLOWED_HOSTS": "news.example.org",
    "DATABASE_URL": "postgres://portal@127.0.0.1:5432/portal",
}


def manage(*args, **env):
    # The browser tests' DJANGO_ALLOW_ASYNC_UNSAFE must not leak into a production check.
    leave_out = {*GOOD, "DEBUG", "DJANGO_ALLOW_ASYNC_UNSAFE"}
    environment = {k: v for k, v in os.environ.items() if k not in leave_out}
    environment.update(env, DJANGO_SETTINGS_MODULE="portal.settings.production")
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.mark.parametrize("missing", sorted(GOOD))
def test_production_refuses_to_start_without_each_secret(missing):
    env = {k: v for k, v in GOOD.items() if k != missing}
    result = manage("check", **env)
    assert result.returncode != 0
    assert missing in result.stderr
    assert "Production settings need these environment variables" in result.stderr


def test_production_refuses_a_weak_secret_key():
    result = manage("check", **{**GOOD, "SECRET_KEY": "changeme"})
    assert result.returncode != 0 and "SECRET_KEY is too weak" in result.stderr


def test_production_refuses_debug():
    result = manage("check", **GOOD, DEBUG="true")
    assert result.returncode != 0 and "DEBUG must not be on" in result.stderr


def test_deploy_check_is_clean_with_secrets_set():
    result = manage("check", "--deploy", **GOOD)
    assert result.returncode == 0, result.stderr
    assert "WARNINGS" not in result.stderr + result.stdout
    assert "System check identified no issues" in result.stdout


def test_seed_demo_refuses_production_settings():
    result = manage("seed_demo", **GOOD)
    assert result.returncode != 0 and "refuses to run with production settings" in result.stderr
