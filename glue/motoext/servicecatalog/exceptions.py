"""Service Catalog errors, with the codes and HTTP status the real service answers."""

from __future__ import annotations

from moto.core.exceptions import JsonRESTError


class ServiceCatalogClientError(JsonRESTError):
    code = 400


class ResourceNotFoundException(ServiceCatalogClientError):
    def __init__(self, message: str) -> None:
        super().__init__("ResourceNotFoundException", message)


class InvalidParametersException(ServiceCatalogClientError):
    def __init__(self, message: str) -> None:
        super().__init__("InvalidParametersException", message)


class DuplicateResourceException(ServiceCatalogClientError):
    def __init__(self, message: str) -> None:
        super().__init__("DuplicateResourceException", message)


class ResourceInUseException(ServiceCatalogClientError):
    def __init__(self, message: str) -> None:
        super().__init__("ResourceInUseException", message)


class InvalidStateException(ServiceCatalogClientError):
    def __init__(self, message: str) -> None:
        super().__init__("InvalidStateException", message)
