"""The project's artifact bucket and its customer-managed KMS key.

Both are retained when the project is deleted (models and pipeline artifacts are evidence that
must outlive an accidental delete); docs/templates.md gives the teardown path for them.
"""

from __future__ import annotations

from typing import Any

from troposphere import GetAtt, Ref, Sub, kms, s3

from cdktf_app.targets import account_root_arn, cross_account_stages, stage_role_arns
from cdktf_app.templates.common import SHORT_PREFIX, Context, project_tags


def _stage_readers(context: Context) -> list[tuple[str, list[str]]]:
    """(stage account root, the stage roles that may read) for every stage in another account."""
    config = context.config
    return [
        (account_root_arn(config, config.stage_account(stage)), stage_role_arns(config, stage))
        for stage in cross_account_stages(config)
        if stage in context.product.stages
    ]


def _key_policy(context: Context) -> dict[str, Any]:
    statements: list[dict[str, Any]] = [
        {
            "Sid": "AccountAdministersKeyThroughIam",
            "Effect": "Allow",
            "Principal": {"AWS": Sub("arn:${AWS::Partition}:iam::${AWS::AccountId}:root")},
            "Action": "kms:*",
            "Resource": "*",
        }
    ]
    for root, roles in _stage_readers(context):
        statements.append(
            {
                "Sid": "StageDecryptsThroughS3" + root.split(":")[4],
                "Effect": "Allow",
                "Principal": {"AWS": root},
                "Action": ["kms:Decrypt", "kms:DescribeKey"],
                "Resource": "*",
                "Condition": {
                    "ArnEquals": {"aws:PrincipalArn": roles},
                    "StringEquals": {"kms:ViaService": Sub("s3.${AWS::Region}.amazonaws.com")},
                },
            }
        )
    return {"Version": "2012-10-17", "Statement": statements}


def add_artifact_store(context: Context) -> tuple[s3.Bucket, kms.Key]:
    """KMS key + alias, the versioned private bucket, and its TLS-only policy with stage-account reads."""
    key = context.add(
        kms.Key(
            "ArtifactKey",
            Description=Sub("Artifacts of SageMaker project ${SageMakerProjectName}"),
            EnableKeyRotation=True,
            PendingWindowInDays=30,
            KeyPolicy=_key_policy(context),
            Tags=project_tags(),
            DeletionPolicy="Retain",
            UpdateReplacePolicy="Retain",
        )
    )
    context.add(kms.Alias("ArtifactKeyAlias", AliasName=Sub(f"alias/{SHORT_PREFIX}-artifacts"), TargetKeyId=Ref(key)))
    bucket = context.add(
        s3.Bucket(
            "ArtifactBucket",
            BucketName=Sub("sagemaker-${SageMakerProjectId}-art-${AWS::AccountId}-${AWS::Region}"),
            BucketEncryption=s3.BucketEncryption(
                ServerSideEncryptionConfiguration=[
                    s3.ServerSideEncryptionRule(
                        BucketKeyEnabled=True,
                        ServerSideEncryptionByDefault=s3.ServerSideEncryptionByDefault(
                            SSEAlgorithm="aws:kms", KMSMasterKeyID=GetAtt(key, "Arn")
                        ),
                    )
                ]
            ),
            VersioningConfiguration=s3.VersioningConfiguration(Status="Enabled"),
            PublicAccessBlockConfiguration=s3.PublicAccessBlockConfiguration(
                BlockPublicAcls=True, BlockPublicPolicy=True, IgnorePublicAcls=True, RestrictPublicBuckets=True
            ),
            OwnershipControls=s3.OwnershipControls(
                Rules=[s3.OwnershipControlsRule(ObjectOwnership="BucketOwnerEnforced")]
            ),
            LifecycleConfiguration=s3.LifecycleConfiguration(
                Rules=[
                    s3.LifecycleRule(
                        Id="ExpireSupersededArtifacts",
                        Status="Enabled",
                        NoncurrentVersionExpiration=s3.NoncurrentVersionExpiration(NoncurrentDays=90),
                        AbortIncompleteMultipartUpload=s3.AbortIncompleteMultipartUpload(DaysAfterInitiation=7),
                    )
                ]
            ),
            Tags=project_tags(),
            DeletionPolicy="Retain",
            UpdateReplacePolicy="Retain",
        )
    )
    statements: list[dict[str, Any]] = [
        {
            "Sid": "DenyInsecureTransport",
            "Effect": "Deny",
            "Principal": "*",
            "Action": "s3:*",
            "Resource": [GetAtt(bucket, "Arn"), Sub("${ArtifactBucket.Arn}/*")],
            "Condition": {"Bool": {"aws:SecureTransport": "false"}},
        }
    ]
    for root, roles in _stage_readers(context):
        statements.append(
            {
                "Sid": "StageReadsArtifacts" + root.split(":")[4],
                "Effect": "Allow",
                "Principal": {"AWS": root},
                "Action": ["s3:GetObject", "s3:GetObjectVersion", "s3:ListBucket", "s3:GetBucketLocation"],
                "Resource": [GetAtt(bucket, "Arn"), Sub("${ArtifactBucket.Arn}/*")],
                "Condition": {"ArnEquals": {"aws:PrincipalArn": roles}},
            }
        )
    context.add(
        s3.BucketPolicy(
            "ArtifactBucketPolicy",
            Bucket=Ref(bucket),
            PolicyDocument={"Version": "2012-10-17", "Statement": statements},
        )
    )
    return bucket, key
