"""``jamak aws deploy`` and ``jamak aws destroy``: jamak's AWS deployment from a checkout.

Deploying builds the worker and API images with docker (so it runs where docker and the
repository are) and pushes them to the foundation stack's ECR repository; the stacks and
their order live in :mod:`jamak.deploy.aws`. Credentials come from the named
profile or the usual AWS chain; nothing is read from the environment here.
"""

from __future__ import annotations

import subprocess
import time
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from jamak.asr.speed import DEFAULT_SPEED, Speed

if TYPE_CHECKING:
    from jamak.deploy.aws import Deployer
    from jamak.deploy.capacity import CapacityReport

aws_app = typer.Typer(
    help="Deploy jamak to an AWS account (S3, DynamoDB, Step Functions, Batch, API Gateway).",
    no_args_is_help=True,
)

RegionOption = Annotated[str, typer.Option("--region", help="AWS region, e.g. eu-west-1.")]
ProfileOption = Annotated[
    str | None,
    typer.Option("--profile", help="Named AWS profile.", show_default="the usual chain"),
]
PrefixOption = Annotated[str, typer.Option("--prefix", help="Stack names are PREFIX-<stack>.")]


def register(app: typer.Typer) -> None:
    app.add_typer(aws_app, name="aws")


def default_source_dir() -> Path:
    """The checkout this module runs from: it holds deploy/ and the build context."""
    return Path(__file__).resolve().parents[3]


def run_command(argv: Sequence[str], stdin: str | None) -> None:
    """Run one command, its output going to the terminal; a failure stops the deploy."""
    typer.echo(f"$ {' '.join(argv)}", err=True)
    subprocess.run(list(argv), input=stdin, text=True, check=True)


def _deployer(region: str, profile: str | None, source_dir: Path) -> Deployer:
    """boto3 and the deployment code load only when a command runs."""
    import boto3

    from jamak.deploy.aws import Deployer
    from jamak.deploy.capacity import check_capacity
    from jamak.deploy.stacks import CloudFormationStacks

    session = boto3.Session(profile_name=profile, region_name=region)
    quotas, ec2 = session.client("service-quotas"), session.client("ec2")

    def capacity(instance_types: Sequence[str], gpu: bool) -> CapacityReport:
        return check_capacity(
            quotas=quotas, ec2=ec2, region=region, instance_types=instance_types, gpu=gpu
        )

    return Deployer(
        stacks=CloudFormationStacks(session.client("cloudformation")),
        ecr=session.client("ecr"),
        s3=session.client("s3"),
        run=run_command,
        source_dir=source_dir,
        capacity=capacity,
    )


@aws_app.command("deploy")
def deploy(
    region: RegionOption,
    profile: ProfileOption = None,
    prefix: PrefixOption = "jamak",
    cpu_only: Annotated[
        bool, typer.Option("--cpu-only", help="CPU instances instead of GPUs (no GPU quota).")
    ] = False,
    models: Annotated[
        str,
        typer.Option(
            "--models",
            "--model",  # the flag's earlier name: one model is a list of one
            help="Comma list of the models baked into the worker image and offered (any other "
            "is refused); the first is the default for new jobs.",
        ),
    ] = "base",
    allowed_origins: Annotated[
        str, typer.Option("--allowed-origins", help="Comma list of browser origins, or *.")
    ] = "*",
    source_dir: Annotated[
        Path | None,
        typer.Option(
            "--source-dir",
            help="The jamak checkout to build from.",
            show_default="the checkout jamak runs from",
        ),
    ] = None,
    instance_types: Annotated[
        str | None,
        typer.Option(
            "--instance-types",
            help="Comma list of worker instance types.",
            show_default="g4dn/g5/g6.xlarge, or c7i/c6i/m7i.2xlarge with --cpu-only",
        ),
    ] = None,
    skip_quota_check: Annotated[
        bool,
        typer.Option(
            "--skip-quota-check",
            help="Deploy even where the vCPU quotas or the region's instance types fall short.",
        ),
    ] = False,
    max_upload_mb: Annotated[
        int,
        typer.Option(
            "--max-upload-mb",
            min=1,
            help="Largest upload the API takes; the workers' disks are sized for it.",
        ),
    ] = 20480,
    capacity_wait_minutes: Annotated[
        int,
        typer.Option(
            "--capacity-wait-minutes",
            min=1,
            help="A job that finds no instance (capacity, quota) this long fails, saying so.",
        ),
    ] = 60,
    gpu_warm_vcpus: Annotated[
        int,
        typer.Option(
            "--gpu-warm-vcpus",
            min=0,
            help="vCPUs of GPU instances kept running with no job (4 = one xlarge, billed "
            "around the clock); 0 scales to zero.",
        ),
    ] = 0,
    speed: Annotated[
        Speed,
        typer.Option(
            "--speed",
            help="The speed of a job that names none: fast, balanced or accurate (as in "
            "jamak transcribe --speed).",
        ),
    ] = DEFAULT_SPEED,
) -> None:
    """Build and push the images, then create or update the four stacks in order."""
    from jamak.asr import catalog
    from jamak.deploy.aws import DeployOptions
    from jamak.errors import DeploymentError

    source = source_dir or default_source_dir()
    if not (source / "deploy" / "cloudformation").is_dir():
        raise typer.BadParameter(f"{source} is not a jamak checkout (no deploy/)")
    baked = tuple(name.strip() for name in models.split(",") if name.strip())
    unknown = [name for name in baked if catalog.lookup(name) is None]
    if not baked or unknown:
        raise typer.BadParameter(
            f"--models: {', '.join(unknown) or 'none given'}; known models: "
            f"{', '.join(sorted(catalog.CATALOG))}"
        )
    deployer = _deployer(region, profile, source)
    options = DeployOptions(
        prefix=prefix,
        cpu_only=cpu_only,
        models=baked,
        allowed_origins=allowed_origins,
        capacity_wait_minutes=capacity_wait_minutes,
        max_upload_mb=max_upload_mb,
        instance_types=tuple(t.strip() for t in (instance_types or "").split(",") if t.strip()),
        skip_quota_check=skip_quota_check,
        gpu_min_vcpus=gpu_warm_vcpus,
        speed=speed,
        image_tag=time.strftime("%Y%m%d%H%M%S", time.gmtime()),
    )
    try:
        deployment = deployer.deploy(options)
    except DeploymentError as err:
        typer.echo(f"error: {err}", err=True)
        raise typer.Exit(1) from None
    typer.echo(f"jamak API: {deployment.api_url}")


@aws_app.command("destroy")
def destroy(
    region: RegionOption,
    profile: ProfileOption = None,
    prefix: PrefixOption = "jamak",
    delete_data: Annotated[
        bool,
        typer.Option(
            "--delete-data", help="Also delete the jobs table, the media bucket and the images."
        ),
    ] = False,
) -> None:
    """Delete the API, workflow and Batch stacks (and, with --delete-data, everything)."""
    deployer = _deployer(region, profile, default_source_dir())
    for name in deployer.destroy(prefix, delete_data=delete_data):
        typer.echo(f"deleted {name}")
    if not delete_data:
        typer.echo(f"kept {prefix}-foundation (jobs, media, images); --delete-data removes it")
