"""Entry point for gunicorn: ``gunicorn wsgi:app``."""
from coworking import create_app

app = create_app()
