"""Email over SMTP (``aiosmtplib``), built with the standard ``email`` package.

The connection, authentication and envelope are set up first; the delivery is claimed
only right before ``DATA``, so the window in which a crash leaves a message in doubt is
the server's reply to the message itself.
"""

from __future__ import annotations

import base64
import logging
from email.message import EmailMessage
from email.utils import format_datetime
from typing import Any

import aiosmtplib

from smartnumbers_notify.attachments import AttachmentSource
from smartnumbers_notify.domain.delivery import Delivery
from smartnumbers_notify.sending import Claim, Permanent, Transient
from smartnumbers_notify.settings import NotifySettings
from smartnumbers_notify.templates import Templates

log = logging.getLogger(__name__)


class SmtpSender:
    def __init__(self, settings: NotifySettings, templates: Templates, attachments: AttachmentSource) -> None:
        self.settings = settings
        self.templates = templates
        self.attachments = attachments

    async def build(self, delivery: Delivery) -> EmailMessage:
        content: dict[str, Any] = delivery.content
        notes: list[str] = []
        files = []
        for attachment in content.get("attachments", []):
            if attachment["size"] > self.settings.attachment_max_bytes:
                notes.append(
                    self.templates.render(
                        "attachment_too_large.j2",
                        filename=attachment["filename"],
                        size_mb=f"{attachment['size'] / 1e6:.1f}",
                        limit_mb=f"{self.settings.attachment_max_bytes / 1e6:.1f}",
                    )
                )
                continue
            files.append((attachment, await self.attachments.fetch(delivery.organisation_id, attachment)))
        message = EmailMessage()
        message["From"] = self.settings.mail_from
        message["To"] = delivery.to
        message["Subject"] = content["subject"]
        message["Date"] = format_datetime(delivery.queued_at)
        message["Message-ID"] = f"<{delivery.id}@smartnumbers.notify>"  # the same on every try
        message["X-Smartnumbers-Delivery"] = str(delivery.id)
        message.set_content(self.templates.render("email.j2", body=content["text"], notes=notes))
        if content.get("html"):
            message.add_alternative(content["html"], subtype="html")
            html_part = message.get_body(("html",))
            assert isinstance(html_part, EmailMessage)
            for image in content.get("related", []):
                maintype, _, subtype = image["content_type"].partition("/")
                html_part.add_related(
                    base64.b64decode(image["data"]),
                    maintype=maintype,
                    subtype=subtype,
                    cid=f"<{image['cid']}>",
                )
        for file in content.get("files", []):
            maintype, _, subtype = file["content_type"].partition("/")
            message.add_attachment(
                base64.b64decode(file["data"]), maintype=maintype, subtype=subtype, filename=file["filename"]
            )
        for attachment, data in files:
            maintype, _, subtype = attachment["content_type"].partition("/")
            message.add_attachment(
                data, maintype=maintype, subtype=subtype or "octet-stream", filename=attachment["filename"]
            )
        return message

    async def send(self, delivery: Delivery, claim: Claim) -> str:
        message = await self.build(delivery)
        s = self.settings
        smtp = aiosmtplib.SMTP(
            hostname=s.smtp_host,
            port=s.smtp_port,
            use_tls=s.smtp_security == "tls",
            start_tls=s.smtp_security == "starttls",
            cert_bundle=s.smtp_ca_file,
            username=s.smtp_username or None,
            password=s.smtp_password or None,
            timeout=s.smtp_timeout_seconds,
        )
        try:
            await smtp.connect()
            sender = aiosmtplib.email.extract_sender(message) or s.mail_from
            await smtp.mail(str(sender))
            await smtp.rcpt(delivery.to)
            await claim()
            response = await smtp.data(message.as_bytes())
            return f"{response.code} {response.message}"
        except aiosmtplib.SMTPResponseException as e:
            error = f"the mail server answered {e.code} {e.message}"
            raise (Permanent(error) if 500 <= e.code < 600 else Transient(error)) from None
        except (aiosmtplib.SMTPException, OSError) as e:
            raise Transient(f"cannot reach the mail server {s.smtp_host}:{s.smtp_port} ({e})") from None
        finally:
            if smtp.is_connected:
                try:
                    await smtp.quit()
                except (aiosmtplib.SMTPException, OSError):
                    smtp.close()
