"""The built-in senders: e-mail through Django's mail backend and SMS to a JSON-lines file."""

from opendvc.notifications.plugins import email, sms_file

__all__ = ["email", "sms_file"]
