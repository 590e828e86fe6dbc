"""SMTP settings from the environment, through a real SMTP server (aiosmtpd) that requires
STARTTLS or implicit TLS and a login: the platform's settings, in a process of their own, send."""

import os
import subprocess
import sys

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword
from django.conf import settings

from tests.support.faults import free_port

USER, PASSWORD = "zhuanban@mail.example.cn", "smtp-secret-0123"


@pytest.fixture
def certificate(tmp_path):
    cert, key = tmp_path / "cert.pem", tmp_path / "key.pem"
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj",
                    "/CN=localhost", "-addext", "subjectAltName=DNS:localhost", "-keyout", str(key),
                    "-out", str(cert)], check=True, capture_output=True, timeout=60)
    return cert, key


class Inbox:
    def __init__(self):
        self.messages = []

    async def handle_DATA(self, server, session, envelope):
        self.messages.append((session.authenticated, session.ssl is not None, envelope))
        return "250 OK"


def _authenticator(server, session, envelope, mechanism, auth_data):
    ok = isinstance(auth_data, LoginPassword) and (auth_data.login, auth_data.password) == (
        USER.encode(), PASSWORD.encode())
    return AuthResult(success=ok, handled=False)


@pytest.fixture(params=["starttls", "ssl"])
def smtp_server(request, certificate):
    import ssl

    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(*map(str, certificate))
    inbox, port = Inbox(), free_port()
    if request.param == "starttls":
        controller = Controller(inbox, hostname="127.0.0.1", port=port, tls_context=context,
                                require_starttls=True, auth_require_tls=True, server_hostname="localhost",
                                authenticator=_authenticator)
    else:  # TLS from the first byte: aiosmtpd's auth_require_tls knows only STARTTLS
        controller = Controller(inbox, hostname="127.0.0.1", port=port, ssl_context=context,
                                auth_require_tls=False, server_hostname="localhost",
                                authenticator=_authenticator)
    controller.start()
    yield request.param, port, inbox, certificate[0]
    controller.stop()


def _send(port, mode, cert, **extra):
    env = {**os.environ, "DJANGO_DEBUG": "0", "DJANGO_SECRET_KEY": "mail-test-secret-key-0123456789abcdef",
           "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend", "EMAIL_HOST": "localhost",
           "EMAIL_PORT": str(port), "EMAIL_HOST_USER": USER, "EMAIL_HOST_PASSWORD": PASSWORD,
           "EMAIL_USE_TLS": str(int(mode == "starttls")), "EMAIL_USE_SSL": str(int(mode == "ssl")),
           "EMAIL_TIMEOUT": "10", "SSL_CERT_FILE": str(cert), **extra}
    script = ("import django; django.setup(); from django.core.mail import send_mail; "
              "send_mail('截止提醒', '请按时提交。', None, ['staff@example.cn'])")
    return subprocess.run([sys.executable, "-c", script], cwd=settings.BASE_DIR, env=env, capture_output=True,
                          text=True, timeout=60)


def test_mail_goes_out_encrypted_and_logged_in(smtp_server):
    mode, port, inbox, cert = smtp_server
    result = _send(port, mode, cert)
    assert result.returncode == 0, result.stderr
    [(authenticated, encrypted, envelope)] = inbox.messages
    # The implicit-TLS server speaks TLS from the first byte: only a TLS client reaches DATA there.
    assert authenticated and (encrypted or mode == "ssl")
    assert envelope.rcpt_tos == ["staff@example.cn"]
    assert "截止提醒" in envelope.content.decode("utf-8", "replace") or b"=?utf-8?" in envelope.content


def test_a_wrong_password_is_refused_by_the_server(smtp_server):
    mode, port, inbox, cert = smtp_server
    result = _send(port, mode, cert, EMAIL_HOST_PASSWORD="not-the-password")
    assert result.returncode != 0 and "SMTPAuthenticationError" in result.stderr
    assert inbox.messages == []


@pytest.mark.parametrize("env, message", [
    ({"EMAIL_USE_TLS": "1", "EMAIL_USE_SSL": "1"}, "EMAIL_USE_TLS and EMAIL_USE_SSL exclude each other"),
    ({"EMAIL_HOST_PASSWORD": "secret"}, "EMAIL_HOST_PASSWORD would cross the network in clear"),
    ({"EMAIL_USE_TLS": "perhaps"}, "EMAIL_USE_TLS='perhaps' is not a boolean"),
    ({"S3_BUCKET": "uploads"}, "S3 storage is not supported"),
    ({"ANON_THROTTLE_RATE": "lots"}, "ANON_THROTTLE_RATE='lots' is not a rate"),
    ({"API_THROTTLE_RATE": "600/minutes"}, "API_THROTTLE_RATE='600/minutes' is not a rate"),
])
def test_malformed_settings_stop_the_start(env, message):
    base = {key: value for key, value in os.environ.items() if not key.startswith(("EMAIL_", "S3_"))}
    result = subprocess.run([sys.executable, "-c", "import django; django.setup()"], cwd=settings.BASE_DIR,
                            env={**base, "DJANGO_DEBUG": "0", "DJANGO_SECRET_KEY": "x" * 50, **env},
                            capture_output=True, text=True, timeout=60)
    assert result.returncode != 0 and message in result.stderr
