"""One module per page group; each exposes ``router``. Views are thin: they parse the form, call the
same service functions as the CLI (``crampcare.assess``, ``crampcare.diary``...), and render."""
