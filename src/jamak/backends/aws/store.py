"""Jobs in a DynamoDB table: the AWS deployment's JobStore.

Every change is a conditional write decided against the status actually stored: the store
reads the job, applies the shared lifecycle rules (:mod:`jamak.jobs.lifecycle`), and writes
only the changed attributes on condition that ``status`` is still what it read. When someone
else got there first (a cancel, the workflow marking the job failed) the condition fails and
the change is decided again from the new status, so a status never moves backwards.

Listing queries one of three indexes (by owner, by status, all jobs), read backwards for
newest first; the page cursor is DynamoDB's LastEvaluatedKey, encoded.
"""

from __future__ import annotations

import base64
import binascii
import json
import time
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from botocore.exceptions import ClientError

from jamak.backends.aws.busy import busy_as_backend_error
from jamak.backends.aws.items import (
    INDEX_ALL,
    INDEX_BY_OWNER,
    INDEX_BY_STATUS,
    LISTING_KEY_VALUE,
    SORT_ATTRIBUTE,
    Item,
    encode_field,
    item_to_job,
    job_to_item,
)
from jamak.errors import JobError, JobNotFoundError
from jamak.jobs.lifecycle import apply_progress, apply_transition
from jamak.jobs.model import Job, JobStatus
from jamak.jobs.paging import check_limit
from jamak.jobs.ports import JobPage, ProgressUpdate
from jamak.jobs.retention import DAY_S, Retention

if TYPE_CHECKING:
    from mypy_boto3_dynamodb import DynamoDBClient
    from mypy_boto3_dynamodb.type_defs import AttributeValueTypeDef, QueryInputTypeDef

# Optimistic writes retried this often before giving up; each retry means another writer
# changed the same job in the few milliseconds between our read and our write.
_MAX_WRITE_ATTEMPTS = 8
# Throttling that outlasts botocore's retries: BackendBusyError (503 + Retry-After), not 500.
_dynamodb = busy_as_backend_error("DynamoDB")


def _is_condition_failure(err: ClientError) -> bool:
    return err.response.get("Error", {}).get("Code") == "ConditionalCheckFailedException"


class DynamoJobStore:
    def __init__(
        self,
        client: DynamoDBClient,
        table: str,
        *,
        clock: Callable[[], float] = time.time,
        retention_days: int = 0,
    ) -> None:
        """``retention_days``: each new job's record expires (DynamoDB TTL) that many days
        after its creation, as its files do in the bucket; 0 keeps records for good. The
        rule is the one the API states to each job's owner (:class:`Retention`, counted
        from the upload), so the record goes when the owner was told it would."""
        self._client = client
        self._table = table
        self._clock = clock
        self._retention = (
            Retention(retention_days * DAY_S, from_creation=True) if retention_days > 0 else None
        )

    # --- JobStore ---------------------------------------------------------------------

    @_dynamodb
    def add(self, job: Job) -> None:
        try:
            self._client.put_item(
                TableName=self._table,
                Item=job_to_item(job, expires_at=self._expiry(job)),
                ConditionExpression="attribute_not_exists(id)",
            )
        except ClientError as err:
            if _is_condition_failure(err):
                raise JobError(f"job {job.id} already exists") from None
            raise

    def _expiry(self, job: Job) -> float | None:
        return None if self._retention is None else self._retention.expires_at(job)

    @_dynamodb
    def get(self, job_id: str) -> Job:
        return item_to_job(self._get_item(job_id))

    @_dynamodb
    def list(
        self,
        *,
        owner: str | None = None,
        status: JobStatus | None = None,
        limit: int = 50,
        cursor: str | None = None,
    ) -> JobPage:
        check_limit(limit)
        query = self._list_query(owner=owner, status=status)
        index = query["IndexName"]
        start = _decode_cursor(cursor, index) if cursor else None
        kept: list[Item] = []
        next_cursor: str | None
        # Ask for one item more than needed: finding it is how we know another page exists.
        # A status filter on the owner index may drop items, hence the loop.
        while True:
            if start is not None:
                query["ExclusiveStartKey"] = start
            query["Limit"] = limit - len(kept) + 1
            response = self._client.query(**query)
            kept.extend(response.get("Items", []))
            if len(kept) > limit:
                del kept[limit:]
                next_cursor = _encode_cursor(index, _index_key(kept[-1], index))
                break
            start = response.get("LastEvaluatedKey")
            if start is None:
                next_cursor = None
                break
        return JobPage(tuple(item_to_job(item) for item in kept), next_cursor)

    @_dynamodb
    def transition(
        self,
        job_id: str,
        target: JobStatus,
        *,
        error: str | None = None,
        error_kind: str | None = None,
        outputs: dict[str, str] | None = None,
    ) -> Job:
        for _ in range(_MAX_WRITE_ATTEMPTS):
            stored = self.get(job_id)
            moved = apply_transition(
                stored,
                target,
                now=self._clock(),
                error=error,
                error_kind=error_kind,
                outputs=outputs,
            )
            if self._write_changes(stored, moved):
                return moved
        raise JobError(f"job {job_id} kept changing; could not make it {target}")

    @_dynamodb
    def record_progress(self, job_id: str, update: ProgressUpdate) -> Job:
        if update.part is not None:
            self._record_part(job_id, update.part, update.processed_s)
        for _ in range(_MAX_WRITE_ATTEMPTS):
            stored = self.get(job_id)
            updated = apply_progress(stored, update, now=self._clock())
            if updated is stored or self._write_changes(stored, updated):
                return updated
        return self.get(job_id)

    @_dynamodb
    def delete(self, job_id: str) -> None:
        self._client.delete_item(TableName=self._table, Key={"id": {"S": job_id}})

    def close(self) -> None:
        self._client.close()

    # --- helpers ----------------------------------------------------------------------

    def _record_part(self, job_id: str, part: int, processed_s: float) -> None:
        """A part's seconds, written to its own key of the map in one atomic update: parts
        on different machines report at once, and a whole-map write would lose some. The
        sum (processed_s, progress) is then written from a fresh read; a stale sum is
        corrected by the next report."""
        try:
            self._client.update_item(
                TableName=self._table,
                Key={"id": {"S": job_id}},
                UpdateExpression="SET part_seconds.#part = :seconds",
                ConditionExpression="#status = :running AND attribute_type(part_seconds, :map)",
                ExpressionAttributeNames={"#part": str(part), "#status": "status"},
                ExpressionAttributeValues={
                    ":seconds": {"N": repr(max(0.0, float(processed_s)))},
                    ":running": {"S": str(JobStatus.RUNNING)},
                    ":map": {"S": "M"},
                },
            )
        except ClientError as err:
            if not _is_condition_failure(err):
                raise

    def _get_item(self, job_id: str) -> Item:
        response = self._client.get_item(
            TableName=self._table, Key={"id": {"S": job_id}}, ConsistentRead=True
        )
        item = response.get("Item")
        if item is None:
            raise JobNotFoundError(f"no job {job_id}")
        return item

    def _write_changes(self, stored: Job, changed: Job) -> bool:
        """Write the fields that differ, if ``status`` is still the one read; False when
        another writer changed the status meanwhile (or deleted the job)."""
        before, after = stored.to_dict(), changed.to_dict()
        names = {"#status": "status"}
        values: dict[str, Any] = {":expected": {"S": str(stored.status)}}
        sets, removes = [], []
        for position, field in enumerate(sorted(k for k in after if after[k] != before[k])):
            encoded = encode_field(field, after[field])
            names[f"#f{position}"] = field
            if encoded is None:
                removes.append(f"#f{position}")
            else:
                sets.append(f"#f{position} = :v{position}")
                values[f":v{position}"] = encoded
        expression = " ".join(
            part
            for part in (
                f"SET {', '.join(sets)}" if sets else "",
                f"REMOVE {', '.join(removes)}" if removes else "",
            )
            if part
        )
        if not expression:
            return True
        try:
            self._client.update_item(
                TableName=self._table,
                Key={"id": {"S": stored.id}},
                UpdateExpression=expression,
                ConditionExpression="attribute_exists(id) AND #status = :expected",
                ExpressionAttributeNames=names,
                ExpressionAttributeValues=values,
            )
        except ClientError as err:
            if _is_condition_failure(err):
                return False
            raise
        return True

    def _list_query(self, *, owner: str | None, status: JobStatus | None) -> QueryInputTypeDef:
        if owner is not None:
            (index, attribute), value = INDEX_BY_OWNER, owner
        elif status is not None:
            (index, attribute), value = INDEX_BY_STATUS, str(status)
        else:
            (index, attribute), value = INDEX_ALL, LISTING_KEY_VALUE
        names = {"#pk": attribute}
        values: dict[str, AttributeValueTypeDef] = {":pk": {"S": value}}
        query: QueryInputTypeDef = {
            "TableName": self._table,
            "IndexName": index,
            "KeyConditionExpression": "#pk = :pk",
            "ScanIndexForward": False,
        }
        if owner is not None and status is not None:
            query["FilterExpression"] = "#status = :status"
            names["#status"] = "status"
            values[":status"] = {"S": str(status)}
        query["ExpressionAttributeNames"] = names
        query["ExpressionAttributeValues"] = values
        return query


_INDEX_PARTITION = dict((INDEX_BY_OWNER, INDEX_BY_STATUS, INDEX_ALL))


def _index_key(item: Item, index: str) -> Item:
    """The LastEvaluatedKey DynamoDB would give after ``item`` in ``index``."""
    names = ("id", _INDEX_PARTITION[index], SORT_ATTRIBUTE)
    return {name: item[name] for name in names}


def _encode_cursor(index: str, key: Item) -> str:
    plain = {name: value["S"] for name, value in key.items()}  # every key attribute is a string
    raw = json.dumps({"index": index, "key": plain}, sort_keys=True).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def _decode_cursor(cursor: str, index: str) -> Item:
    """The ExclusiveStartKey in ``cursor``; a cursor from another kind of listing, or one a
    client made up, is refused before it reaches DynamoDB."""
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        data = json.loads(base64.urlsafe_b64decode(padded.encode()))
        names = {"id", _INDEX_PARTITION[index], SORT_ATTRIBUTE}
        if data["index"] != index or set(data["key"]) != names:
            raise ValueError("cursor of another listing")
        return {name: {"S": str(data["key"][name])} for name in names}
    except (ValueError, TypeError, KeyError, binascii.Error) as err:
        raise JobError("invalid page cursor") from err
