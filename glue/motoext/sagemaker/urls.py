"""SageMaker URLs: moto's, answered by the responses with projects."""

from moto.sagemaker.urls import url_bases as moto_url_bases

from .responses import SageMakerProjectResponse

url_bases = list(moto_url_bases)
url_paths = {"{0}/$": SageMakerProjectResponse.dispatch}
