"""SageMaker projects for the emulator, in moto's layout (models, responses, urls)."""

from .models import sagemaker_backends

__all__ = ["sagemaker_backends"]
