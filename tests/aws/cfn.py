"""The deploy/ files as data, for tests: CloudFormation YAML (with its short-form tags) and
the state machine with its substitutions applied the way CloudFormation applies them."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import yaml

DEPLOY = Path(__file__).resolve().parents[2] / "deploy"
TEMPLATES = DEPLOY / "cloudformation"
ASL_PATH = DEPLOY / "statemachine" / "transcribe.asl.json"
STACK_ORDER = ("foundation", "batch", "workflow", "api")


class _CfnLoader(yaml.SafeLoader):
    """Reads ``!Ref X`` as ``{"Ref": X}`` and ``!Sub ...`` as ``{"Fn::Sub": ...}``."""


def _tag(loader: _CfnLoader, suffix: str, node: yaml.Node) -> dict[str, Any]:
    name = suffix if suffix == "Ref" else f"Fn::{suffix}"
    if isinstance(node, yaml.ScalarNode):
        value: Any = loader.construct_scalar(node)
        if name == "Fn::GetAtt":
            value = value.split(".", 1)
    elif isinstance(node, yaml.SequenceNode):
        value = loader.construct_sequence(node, deep=True)
    else:
        value = loader.construct_mapping(node, deep=True)  # type: ignore[arg-type]
    return {name: value}


_CfnLoader.add_multi_constructor("!", _tag)


def template(name: str) -> dict[str, Any]:
    loaded: dict[str, Any] = yaml.load((TEMPLATES / f"{name}.yaml").read_text(), Loader=_CfnLoader)
    return loaded


def resource(template_name: str, logical_id: str) -> dict[str, Any]:
    found: dict[str, Any] = template(template_name)["Resources"][logical_id]
    return found


def asl_placeholders() -> set[str]:
    return set(re.findall(r"\$\{(\w+)\}", ASL_PATH.read_text()))


def state_machine_definition(substitutions: dict[str, str]) -> str:
    """The ASL with ``${Name}`` filled in, as DefinitionSubstitutions does on deploy."""
    text = ASL_PATH.read_text()
    missing = asl_placeholders() - set(substitutions)
    if missing:
        raise KeyError(f"no substitution for {sorted(missing)}")
    for name, value in substitutions.items():
        text = text.replace("${" + name + "}", value)
    json.loads(text)  # still JSON
    return text


def jobs_table_definition(table_name: str) -> dict[str, Any]:
    """create_table arguments taken from the foundation template, so the adapter is tested
    against the indexes that really get deployed."""
    props = resource("foundation", "JobsTable")["Properties"]
    return {
        "TableName": table_name,
        "BillingMode": props["BillingMode"],
        "AttributeDefinitions": props["AttributeDefinitions"],
        "KeySchema": props["KeySchema"],
        "GlobalSecondaryIndexes": props["GlobalSecondaryIndexes"],
    }


def jobs_table_ttl() -> dict[str, Any]:
    """The table's TimeToLiveSpecification (moto's create_table takes none; set it after)."""
    spec: dict[str, Any] = resource("foundation", "JobsTable")["Properties"][
        "TimeToLiveSpecification"
    ]
    return spec


def resolve(value: Any, parameters: dict[str, str]) -> Any:
    """``value`` with ``Ref`` and the string form of ``Fn::Sub`` filled in from
    ``parameters``, so a template's policy can be handed to moto's IAM as it would deploy."""
    if isinstance(value, list):
        return [resolve(v, parameters) for v in value]
    if not isinstance(value, dict):
        return value
    if set(value) == {"Ref"}:
        return parameters[value["Ref"]]
    if set(value) == {"Fn::Sub"} and isinstance(value["Fn::Sub"], str):
        return re.sub(r"\$\{([\w:]+)\}", lambda m: parameters[m.group(1)], value["Fn::Sub"])
    return {k: resolve(v, parameters) for k, v in value.items()}


def role_policy_document(
    template_name: str, role_id: str, service: str, parameters: dict[str, str]
) -> dict[str, Any]:
    """A template's role's inline statements about one ``service`` ("s3"), resolved, as one
    policy document."""
    role = resource(template_name, role_id)["Properties"]
    statements = [
        s
        for p in role["Policies"]
        for s in p["PolicyDocument"]["Statement"]
        if all(a.startswith(f"{service}:") for a in _actions(s))
    ]
    return {"Version": "2012-10-17", "Statement": resolve(statements, parameters)}


def _actions(statement: dict[str, Any]) -> list[str]:
    action = statement["Action"]
    return [action] if isinstance(action, str) else list(action)
