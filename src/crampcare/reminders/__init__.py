"""Reminders by standard Web Push (RFC 8030 delivery, RFC 8291 encryption, RFC 8292 VAPID).

- ``vapid``: the server's VAPID key pair (generated once, kept in the database, or given by the
  operator) and the contact address push services ask for;
- ``schedule``: pure time arithmetic: when a reminder is due in a person's zone (DST-correct);
- ``service``: subscriptions per device, settings per person, composing and sending what is due
  (idempotent per device, kind and local day);
- ``scheduler``: the background task of the web server that calls ``send_due`` every minute.

The CLI (``crampcare reminders send-due``) and the web app share ``service``.
"""
