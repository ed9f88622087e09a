"""An e-mail backend for the worker tests: the file backend with a real mail server's latency."""

import os
import time

from django.core.mail.backends.filebased import EmailBackend


class SlowFileBackend(EmailBackend):
    """Each message takes TEST_EMAIL_DELAY seconds, so a batch is still running when the worker is killed."""

    def send_messages(self, email_messages):
        time.sleep(float(os.environ.get("TEST_EMAIL_DELAY", "0.3")))
        return super().send_messages(email_messages)
