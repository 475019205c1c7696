"""Notifications to citizens: an outbox of messages rendered from editable templates, delivered in the
background by pluggable providers (email over SMTP, SMS), with retries and a failure list in the admin."""
