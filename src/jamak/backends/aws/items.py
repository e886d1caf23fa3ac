"""Jobs as DynamoDB items and back, in DynamoDB's typed wire format.

One attribute per :class:`~jamak.jobs.model.Job` field, so the Step Functions workflow can
change ``status`` and its timestamps with a plain ``UpdateItem`` and the table can index
``owner`` and ``status``. Three details are deliberate:

* ``options`` is one JSON string: it is never queried, and JSON keeps its ints and floats
  exact where DynamoDB numbers would come back as decimals of either kind.
* a ``None`` field is an absent attribute, so an update REMOVEs it.
* timestamps written by the workflow arrive as ISO 8601 strings (a JSONPath state machine
  can only say ``$$.State.EnteredTime``), and are read back as epoch seconds like the rest.
"""

from __future__ import annotations

import json
from datetime import datetime
from typing import TYPE_CHECKING, Any

from jamak.jobs.model import Job

if TYPE_CHECKING:
    from mypy_boto3_dynamodb.type_defs import AttributeValueTypeDef

Item = dict[str, "AttributeValueTypeDef"]

# The table's TTL attribute (foundation.yaml): epoch seconds after which DynamoDB deletes
# the item. Not a job field: only DynamoJobStore.add writes it, and updates leave it alone.
EXPIRY_ATTRIBUTE = "expires_at"

# Every job carries this constant partition key, so one index can list all jobs newest first.
LISTING_KEY_VALUE = "job"

# Indexes on (partition attribute, SORT_ATTRIBUTE), newest first when read backwards.
SORT_ATTRIBUTE = "sort_key"
INDEX_BY_OWNER = ("by_owner", "owner")
INDEX_BY_STATUS = ("by_status", "status")
INDEX_ALL = ("all_jobs", "listing")

_INT_FIELDS = frozenset({"attempts", "parts"})
_JSON_FIELDS = frozenset({"options"})
# Maps of numbers, each key written on its own by a part (DynamoJobStore._record_part).
_NUMBER_MAP_FIELDS = frozenset({"part_seconds"})
_MAP_FIELDS = frozenset({"outputs"})
_TIMESTAMP_FIELDS = frozenset({"created_at", "updated_at", "started_at", "finished_at"})


def sort_key(job: Job) -> str:
    """Creation time then id, as one string that sorts like the pair (zero-padded, so that
    string order is number order); the index order then matches every other backend's."""
    return f"{job.created_at:020.6f}#{job.id}"


def job_to_item(job: Job, *, expires_at: float | None = None) -> Item:
    """``expires_at``: when DynamoDB may delete the record (epoch seconds); None keeps it."""
    item: Item = {
        "listing": {"S": LISTING_KEY_VALUE},
        SORT_ATTRIBUTE: {"S": sort_key(job)},
    }
    for name, value in job.to_dict().items():
        encoded = encode_field(name, value)
        if encoded is not None:
            item[name] = encoded
    if expires_at is not None:
        item[EXPIRY_ATTRIBUTE] = {"N": str(int(expires_at))}
    return item


def encode_field(name: str, value: Any) -> AttributeValueTypeDef | None:
    """One job field as an attribute value; None for a field that should be absent."""
    if value is None:
        return None
    if name in _JSON_FIELDS:
        return {"S": json.dumps(value, sort_keys=True)}
    if name in _MAP_FIELDS:
        return {"M": {str(k): {"S": str(v)} for k, v in value.items()}}
    if name in _NUMBER_MAP_FIELDS:
        return {"M": {str(k): {"N": repr(float(v))} for k, v in value.items()}}
    if isinstance(value, bool):
        return {"BOOL": value}
    if isinstance(value, int | float):
        # repr() round-trips a float exactly; DynamoDB keeps up to 38 significant digits.
        return {"N": repr(value)}
    return {"S": str(value)}


def item_to_job(item: Item) -> Job:
    data: dict[str, Any] = {}
    for name, value in item.items():
        data[name] = _decode_field(name, value)
    return Job.from_dict(data)


def _decode_field(name: str, value: AttributeValueTypeDef) -> Any:
    if "NULL" in value:
        return None
    if name in _JSON_FIELDS:
        return json.loads(value["S"])
    if name in _MAP_FIELDS:
        return {k: v["S"] for k, v in value["M"].items()}
    if name in _NUMBER_MAP_FIELDS:
        return {k: float(v["N"]) for k, v in value["M"].items()}
    if "N" in value:
        return int(value["N"]) if name in _INT_FIELDS else float(value["N"])
    if "BOOL" in value:
        return value["BOOL"]
    if name in _TIMESTAMP_FIELDS:
        return datetime.fromisoformat(value["S"]).timestamp()
    return value.get("S")
