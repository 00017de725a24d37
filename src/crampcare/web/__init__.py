"""The crampcare web app: server-rendered pages (Jinja2 + vendored htmx) and a JSON API.

    from crampcare.web.app import create_app
    app = create_app("sqlite:///diary.sqlite")   # or postgresql://...

``crampcare serve`` runs it with uvicorn.
"""
