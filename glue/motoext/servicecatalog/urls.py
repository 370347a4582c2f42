"""Service Catalog URLs: moto's, answered by the extended responses (AppRegistry stays moto's)."""

from moto.servicecatalog.urls import url_bases as moto_url_bases
from moto.servicecatalog.urls import url_paths as moto_url_paths

from .responses import ServiceCatalogTemplateResponse

url_bases = list(moto_url_bases)
url_paths = {**moto_url_paths, "{0}/$": ServiceCatalogTemplateResponse.dispatch}
