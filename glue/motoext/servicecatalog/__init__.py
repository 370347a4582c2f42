"""Service Catalog for the emulator, in moto's layout (models, responses, urls, exceptions)."""

from .models import servicecatalog_backends

__all__ = ["servicecatalog_backends"]
