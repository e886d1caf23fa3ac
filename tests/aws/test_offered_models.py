"""On AWS the models offered are exactly the models baked into the worker image: one list,
the images' MODELS build argument and the stacks' OfferedModels parameter, both fed by
``jamak aws deploy --models``. The API (on moto's server) lists only those and refuses the
rest at submit, through either upload path, with a 422 that names the offered ones."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from typer.testing import CliRunner

from jamak.bootstrap import build_services
from jamak.cli.main import build_app
from jamak.deploy.aws import DeployOptions
from jamak.errors import ModelNotOfferedError, UnknownModelError
from tests.aws.cfn import DEPLOY, template
from tests.aws.live_server import aws_live_server
from tests.aws.moto_support import aws_settings
from tests.integration.api.conftest import tone_wav
from tests.integration.api.helpers import assert_error
from tests.integration.api.live_server import LiveServer

__all__ = ["tone_wav"]  # the API suite's fixture

pytestmark = pytest.mark.aws

OFFERED = ("tiny.en", "base")


def _arg_default(dockerfile: str, name: str) -> str:
    """The default of ``ARG name=...`` in the final stage of a Dockerfile."""
    final_stage = (DEPLOY / dockerfile).read_text().rsplit("\nFROM ", 1)[1]
    found = re.search(rf"^ARG {name}=(\S+)$", final_stage, re.MULTILINE)
    assert found, f"{dockerfile} has no ARG {name}=..."
    return found.group(1)


@pytest.mark.parametrize("dockerfile", ("Dockerfile", "Dockerfile.cuda"))
def test_images_bake_and_offer_the_same_list_as_the_stacks_default(dockerfile: str) -> None:
    deploy_defaults = DeployOptions()
    text = (DEPLOY / dockerfile).read_text()
    # Every model named by MODEL and MODELS is pulled into the image...
    assert 'for name in ${MODEL} ${MODELS}; do jamak models pull "${name}"' in text
    # ...and the image says it offers exactly those.
    assert "JAMAK_OFFERED_MODELS=${MODEL},${MODELS}" in text
    assert _arg_default(dockerfile, "MODEL") == deploy_defaults.model
    assert _arg_default(dockerfile, "MODELS") == "${MODEL}"
    for stack in ("batch", "api"):
        parameters = template(stack)["Parameters"]
        assert parameters["Model"]["Default"] == deploy_defaults.model
        assert parameters["OfferedModels"]["Default"] == deploy_defaults.offered_models


def test_both_stacks_hand_the_offered_list_to_the_processes() -> None:
    function = template("api")["Resources"]["Function"]["Properties"]
    assert function["Environment"]["Variables"]["JAMAK_OFFERED_MODELS"] == {"Ref": "OfferedModels"}
    container = template("batch")["Resources"]["JobDefinition"]["Properties"]
    environment = {e["Name"]: e["Value"] for e in container["ContainerProperties"]["Environment"]}
    assert environment["JAMAK_OFFERED_MODELS"] == {"Ref": "OfferedModels"}


def test_deploy_options_take_the_first_model_as_default_and_refuse_an_empty_list() -> None:
    options = DeployOptions(models=("small", "base", "small"))
    assert options.model == "small"
    assert options.offered_models == "small,base"
    with pytest.raises(ValueError, match="one or more model names"):
        DeployOptions(models=())


def test_deploy_command_refuses_a_model_not_in_the_catalog() -> None:
    source = Path(__file__).resolve().parents[2]
    result = CliRunner().invoke(
        build_app(),
        [
            *("aws", "deploy", "--region", "eu-west-2", "--source-dir", str(source)),
            *("--models", "base,no-such-model"),
        ],
    )
    assert result.exit_code != 0
    assert "no-such-model" in " ".join(result.output.replace("│", " ").split())


def test_a_deployment_whose_default_model_is_not_offered_does_not_start(
    moto_endpoint: str, tmp_path: Path
) -> None:
    settings = aws_settings(moto_endpoint, data_dir=tmp_path, model="small", offered_models="base")
    with pytest.raises(ModelNotOfferedError, match="'small' is not in JAMAK_OFFERED_MODELS"):
        build_services(settings)
    settings = settings.model_copy(update={"offered_models": "base,nope", "model": "base"})
    with pytest.raises(UnknownModelError, match="nope"):
        build_services(settings)


@pytest.fixture(scope="module")
def offering(moto_endpoint: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    with aws_live_server(
        moto_endpoint,
        recognizer_factory=None,
        data_dir=tmp_path_factory.mktemp("aws-offered"),
        model="tiny.en",
        offered_models=" tiny.en, base ",
    ) as running:
        yield running


@pytest.fixture
def api(offering: LiveServer) -> Iterator[httpx.Client]:
    with offering.client(user="chooser") as client:
        yield client


def test_config_lists_exactly_the_offered_models(api: httpx.Client) -> None:
    config = api.get("/api/config").json()
    assert sorted(model["name"] for model in config["models"]) == sorted(OFFERED)
    assert config["default_model"] == "tiny.en"


def test_a_direct_upload_naming_another_model_is_refused(api: httpx.Client) -> None:
    body = {"filename": "a.wav", "size_bytes": 1000, "options": {"model": "small"}}
    message = assert_error(api.post("/api/uploads", json=body), 422, "model_not_offered")
    assert "'small'" in message and "tiny.en, base" in message

    body["options"] = {"model": "base"}
    accepted = api.post("/api/uploads", json=body)
    assert accepted.status_code == 201, accepted.text
    assert api.delete(f"/api/uploads/{accepted.json()['job_id']}").status_code == 204


def test_an_upload_through_the_api_naming_another_model_is_refused(
    api: httpx.Client, offering: LiveServer, tone_wav: Path
) -> None:
    def submit(model: str) -> httpx.Response:
        with tone_wav.open("rb") as media:
            return api.post(
                "/api/jobs", files={"file": ("tone.wav", media, "audio/wav")}, data={"model": model}
            )

    message = assert_error(submit("large-v3"), 422, "model_not_offered")
    assert "tiny.en, base" in message
    accepted = submit("base")
    assert accepted.status_code == 201, accepted.text
    job_id = accepted.json()["jobs"][0]["id"]
    assert offering.services.store.get(job_id).options.model == "base"
