"""The SageMaker Pipeline: preprocess -> (train -> evaluate -> check -> register | fail) per model.

``build_pipeline(settings, session)`` is the only entry point. It makes no AWS call by itself:
the SDK uploads the two processing scripts when the definition is rendered, through
``session`` (the offline session in ``pipelines.sessions`` only computes their S3 URIs).

Edit here to change instance types, hyperparameters or the steps; edit ``preprocess.py`` and
``evaluate.py`` to change what the jobs do.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sagemaker.core import image_uris
from sagemaker.core.model_metrics import MetricsSource, ModelMetrics
from sagemaker.core.network import NetworkConfig
from sagemaker.core.processing import ScriptProcessor
from sagemaker.core.shapes import ProcessingInput, ProcessingOutput, ProcessingS3Input, ProcessingS3Output
from sagemaker.core.training.configs import Compute, InputData, Networking, OutputDataConfig, StoppingCondition
from sagemaker.core.workflow import (
    ConditionGreaterThanOrEqualTo,
    ConditionLessThanOrEqualTo,
    ExecutionVariables,
    Join,
    JsonGet,
    ParameterFloat,
    ParameterString,
    PropertyFile,
)
from sagemaker.mlops.workflow import ConditionStep, FailStep, ModelStep, Pipeline, ProcessingStep, TrainingStep
from sagemaker.serve.model_builder import ModelBuilder
from sagemaker.train import ModelTrainer

from pipelines.config import ModelSpec, Settings

HERE = Path(__file__).resolve().parent
XGBOOST_VERSION = "1.7-1"
SKLEARN_VERSION = "1.2-1"
DEFAULT_PROCESSING_INSTANCE = "ml.m5.large"
DEFAULT_TRAINING_INSTANCE = "ml.m5.large"
INFERENCE_INSTANCES = ["ml.m5.large", "ml.m5.xlarge"]
TRANSFORM_INSTANCES = ["ml.m5.large"]
PENDING = "PendingManualApproval"

BASE_HYPERPARAMETERS = {"num_round": "200", "max_depth": "5", "eta": "0.1", "subsample": "0.8", "min_child_weight": "2"}
EVAL_METRIC = {"auc": "auc", "accuracy": "error", "f1": "logloss", "rmse": "rmse", "mae": "mae", "r2": "rmse"}


def step_names(model: ModelSpec) -> dict[str, str]:
    """The pipeline step names of one model (the registration step adds ``-RegisterModel``)."""
    return {
        "train": f"Train-{model.name}",
        "evaluate": f"Evaluate-{model.name}",
        "check": f"Check-{model.name}",
        "register": f"Register-{model.name}",
        "fail": f"Fail-{model.name}",
    }


def threshold_parameter_name(model: ModelSpec) -> str:
    return f"MetricThreshold-{model.name}"


class _Builder:
    """Holds what every step shares: parameters, images, network, keys, output location."""

    def __init__(self, settings: Settings, session: Any) -> None:
        self.settings = settings
        self.session = session
        self.input_data = ParameterString(name="InputDataUrl", default_value=settings.default_input_data_url)
        self.processing_instance = ParameterString(
            name="ProcessingInstanceType", default_value=DEFAULT_PROCESSING_INSTANCE
        )
        self.training_instance = ParameterString(name="TrainingInstanceType", default_value=DEFAULT_TRAINING_INSTANCE)
        # An experiment branch always registers for manual approval: no parameter to override it.
        self.approval: ParameterString | None = (
            None
            if settings.is_experiment
            else ParameterString(name="ModelApprovalStatus", default_value=settings.approval_status)
        )
        self.thresholds = {
            model.name: ParameterFloat(name=threshold_parameter_name(model), default_value=model.threshold)
            for model in settings.models
        }
        self.xgboost_image = image_uris.retrieve("xgboost", region=settings.region, version=XGBOOST_VERSION)
        self.sklearn_image = image_uris.retrieve("sklearn", region=settings.region, version=SKLEARN_VERSION)
        self.kms = settings.kms_key_arn

    @property
    def parameters(self) -> list[Any]:
        params: list[Any] = [self.input_data, self.processing_instance, self.training_instance]
        if self.approval is not None:
            params.append(self.approval)
        params.extend(self.thresholds[model.name] for model in self.settings.models)
        return params

    def output_uri(self, *parts: str) -> Join:
        """s3://<bucket>/<pipeline name>/<execution id>/<parts...>"""
        return Join(on="/", values=[self.settings.output_prefix, ExecutionVariables.PIPELINE_EXECUTION_ID, *parts])

    def network_config(self) -> NetworkConfig | None:
        if not self.settings.vpc_only:
            return None
        return NetworkConfig(
            enable_network_isolation=True,
            encrypt_inter_container_traffic=True,
            security_group_ids=list(self.settings.security_group_ids),
            subnets=list(self.settings.subnet_ids),
        )

    def processor(self, image: str, job: str) -> ScriptProcessor:
        return ScriptProcessor(
            role=self.settings.role_arn,
            image_uri=image,
            command=["python3"],
            instance_count=1,
            instance_type=self.processing_instance,
            volume_kms_key=self.kms,
            output_kms_key=self.kms,
            max_runtime_in_seconds=3600,
            base_job_name=f"{self.settings.project_name}-{job}"[:30],
            sagemaker_session=self.session,
            network_config=self.network_config(),
        )

    def preprocess_step(self) -> ProcessingStep:
        outputs = [
            ProcessingOutput(
                output_name=split,
                s3_output=ProcessingS3Output(
                    s3_uri=self.output_uri("preprocess", split),
                    local_path=f"/opt/ml/processing/{split}",
                    s3_upload_mode="EndOfJob",
                ),
            )
            for split in ("train", "validation", "test")
        ]
        inputs = [
            ProcessingInput(
                input_name="data",
                s3_input=ProcessingS3Input(
                    s3_uri=self.input_data,
                    local_path="/opt/ml/processing/input/data",
                    s3_data_type="S3Prefix",
                    s3_input_mode="File",
                ),
            )
        ]
        labels = ",".join(model.label for model in self.settings.models)
        step_args = self.processor(self.sklearn_image, "preprocess").run(
            code=str(HERE / "preprocess.py"),
            inputs=inputs,
            outputs=outputs,
            arguments=["--labels", labels],
        )
        return ProcessingStep(name="Preprocess", step_args=step_args)

    def train_step(self, model: ModelSpec, preprocess: ProcessingStep) -> TrainingStep:
        networking = None
        if self.settings.vpc_only:
            networking = Networking(
                subnets=list(self.settings.subnet_ids),
                security_group_ids=list(self.settings.security_group_ids),
                enable_network_isolation=True,
                enable_inter_container_traffic_encryption=True,
            )
        hyperparameters = dict(BASE_HYPERPARAMETERS, objective=model.objective, eval_metric=EVAL_METRIC[model.metric])
        trainer = ModelTrainer(
            training_image=self.xgboost_image,
            role=self.settings.role_arn,
            sagemaker_session=self.session,
            base_job_name=f"{self.settings.project_name}-train-{model.name}"[:30],
            compute=Compute(instance_type=self.training_instance, instance_count=1, volume_kms_key_id=self.kms),
            networking=networking,
            stopping_condition=StoppingCondition(max_runtime_in_seconds=3600),
            output_data_config=OutputDataConfig(
                s3_output_path=self.output_uri("train", model.name), kms_key_id=self.kms
            ),
            hyperparameters=hyperparameters,
        )
        outputs = preprocess.properties.ProcessingOutputConfig.Outputs
        channels = [
            InputData(
                channel_name=split,
                data_source=Join(on="/", values=[outputs[split].S3Output.S3Uri, model.label]),
                content_type="text/csv",
            )
            for split in ("train", "validation")
        ]
        step_args = trainer.train(input_data_config=channels)
        return TrainingStep(name=step_names(model)["train"], step_args=step_args)

    def evaluate_step(
        self, model: ModelSpec, preprocess: ProcessingStep, train: TrainingStep
    ) -> tuple[ProcessingStep, PropertyFile]:
        report = PropertyFile(name=f"Evaluation-{model.name}", output_name="evaluation", path="evaluation.json")
        test_uri = preprocess.properties.ProcessingOutputConfig.Outputs["test"].S3Output.S3Uri
        inputs = [
            ProcessingInput(
                input_name="model",
                s3_input=ProcessingS3Input(
                    s3_uri=train.properties.ModelArtifacts.S3ModelArtifacts,
                    local_path="/opt/ml/processing/model",
                    s3_data_type="S3Prefix",
                    s3_input_mode="File",
                ),
            ),
            ProcessingInput(
                input_name="test",
                s3_input=ProcessingS3Input(
                    s3_uri=Join(on="/", values=[test_uri, model.label]),
                    local_path="/opt/ml/processing/test",
                    s3_data_type="S3Prefix",
                    s3_input_mode="File",
                ),
            ),
        ]
        outputs = [
            ProcessingOutput(
                output_name="evaluation",
                s3_output=ProcessingS3Output(
                    s3_uri=self.output_uri("evaluate", model.name),
                    local_path="/opt/ml/processing/evaluation",
                    s3_upload_mode="EndOfJob",
                ),
            )
        ]
        step_args = self.processor(self.xgboost_image, f"evaluate-{model.name}").run(
            code=str(HERE / "evaluate.py"),
            inputs=inputs,
            outputs=outputs,
            arguments=["--metric", model.metric],
        )
        step = ProcessingStep(name=step_names(model)["evaluate"], step_args=step_args, property_files=[report])
        return step, report

    def register_step(self, model: ModelSpec, train: TrainingStep, evaluate: ProcessingStep) -> ModelStep:
        evaluation_uri = Join(
            on="/",
            values=[evaluate.properties.ProcessingOutputConfig.Outputs["evaluation"].S3Output.S3Uri, "evaluation.json"],
        )
        builder = ModelBuilder(
            image_uri=self.xgboost_image,
            s3_model_data_url=train.properties.ModelArtifacts.S3ModelArtifacts,
            role_arn=self.settings.role_arn,
            sagemaker_session=self.session,
        )
        metadata = {"metric": model.metric, "pipeline": self.settings.pipeline_name}
        if self.settings.is_experiment and self.settings.source_branch:
            metadata["branch"] = self.settings.source_branch
        step_args = builder.register(
            model_package_group_name=model.package_group,
            content_types=["text/csv"],
            response_types=["text/csv"],
            inference_instances=INFERENCE_INSTANCES,
            transform_instances=TRANSFORM_INSTANCES,
            approval_status=self.approval if self.approval is not None else PENDING,
            model_metrics=ModelMetrics(
                model_statistics=MetricsSource(content_type="application/json", s3_uri=evaluation_uri)
            ),
            customer_metadata_properties=metadata,
            description=f"{model.name}: XGBoost {model.objective}, gated on {model.metric}",
        )
        return ModelStep(name=step_names(model)["register"], step_args=step_args)

    def model_steps(self, model: ModelSpec, preprocess: ProcessingStep) -> list[Any]:
        names = step_names(model)
        train = self.train_step(model, preprocess)
        evaluate, report = self.evaluate_step(model, preprocess, train)
        value = JsonGet(step_name=evaluate.name, property_file=report, json_path=f"metrics.{model.metric}.value")
        threshold = self.thresholds[model.name]
        if model.higher_is_better:
            condition: Any = ConditionGreaterThanOrEqualTo(left=value, right=threshold)
            relation = "below"
        else:
            condition = ConditionLessThanOrEqualTo(left=value, right=threshold)
            relation = "above"
        fail = FailStep(
            name=names["fail"],
            error_message=Join(
                on=" ",
                values=[
                    f"Model '{model.name}' was not registered: {model.metric}",
                    value,
                    f"is {relation} the threshold",
                    threshold,
                ],
            ),
        )
        check = ConditionStep(
            name=names["check"],
            conditions=[condition],
            if_steps=[self.register_step(model, train, evaluate)],
            else_steps=[fail],
        )
        return [train, evaluate, check]


def build_pipeline(settings: Settings, session: Any) -> Pipeline:
    """The pipeline for ``settings``; ``session`` is a PipelineSession (real or offline)."""
    builder = _Builder(settings, session)
    preprocess = builder.preprocess_step()
    steps: list[Any] = [preprocess]
    for model in settings.models:
        steps.extend(builder.model_steps(model, preprocess))
    return Pipeline(
        name=settings.pipeline_name,
        parameters=builder.parameters,
        steps=steps,
        sagemaker_session=session,
        pipeline_experiment_config=None,
    )
