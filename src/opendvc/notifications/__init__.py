"""Notifications: messages to people by e-mail and SMS through pluggable senders, each one recorded."""
