"""Model-build pipeline of a SageMaker project: preprocess, train, evaluate, check, register.

Configuration comes from environment variables (see ``pipelines.config``); the pipeline
itself is built by ``pipelines.pipeline.build_pipeline`` and driven by ``python -m pipelines.run``.
"""
