"""Signals other apps listen to without the accounts app knowing them."""

from __future__ import annotations

from django.dispatch import Signal

#: Sent (``user=``, ``created=``) inside the transaction in which the national e-ID vouched for an
#: account's personal ID number: the first e-ID login, which may create the account, and every later one.
personal_id_verified = Signal()
