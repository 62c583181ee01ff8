"""WSGI entry point for gunicorn: ``gunicorn wsgi:app`` (production configuration)."""

from agreements import create_app
from config import ProductionConfig

app = create_app(ProductionConfig)
