"""Users and API tokens in the jobs' DynamoDB table: the AWS deployment's IdentityStore.

One table per deployment, as on the embedded backend one SQLite file: users are items keyed
``user#NAME`` and tokens ``token#ID``. A job's id never contains ``#`` (the API's path
pattern), so the keys cannot meet, and these items carry none of the attributes the job
indexes are keyed on (``owner``, ``status``, ``listing``, ``sort_key``), so no job listing
ever sees them. ``has_users`` reads one marker item rather than scanning; only
``list_tokens`` (``jamak tokens list``, a person at a terminal) scans.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from botocore.exceptions import ClientError

from jamak.backends.aws.busy import busy_as_backend_error
from jamak.jobs.identity import ApiToken, IdentityError, User

if TYPE_CHECKING:
    from mypy_boto3_dynamodb import DynamoDBClient

_USERS_MARKER = "meta#users"
# Sign-in reads tokens on every request: a throttled table is 503 + Retry-After, not 500.
_dynamodb = busy_as_backend_error("DynamoDB")


def _number(value: float | None) -> dict[str, Any]:
    return {"NULL": True} if value is None else {"N": repr(value)}


def _read_number(attribute: dict[str, Any]) -> float | None:
    return None if "NULL" in attribute else float(attribute["N"])


class DynamoIdentityStore:
    def __init__(self, client: DynamoDBClient, table: str) -> None:
        self._client = client
        self._table = table

    @_dynamodb
    def add_user(self, user: User) -> None:
        item: dict[str, Any] = {
            "id": {"S": f"user#{user.name}"},
            "user_name": {"S": user.name},
            "admin": {"BOOL": user.admin},
            "created_at": _number(user.created_at),
        }
        try:
            self._client.put_item(
                TableName=self._table, Item=item, ConditionExpression="attribute_not_exists(id)"
            )
        except ClientError as err:
            if err.response.get("Error", {}).get("Code") == "ConditionalCheckFailedException":
                raise IdentityError(f"there is already a user {user.name!r}") from None
            raise
        self._client.put_item(TableName=self._table, Item={"id": {"S": _USERS_MARKER}})

    @_dynamodb
    def get_user(self, name: str) -> User | None:
        item = self._get(f"user#{name}")
        if item is None:
            return None
        created_at = _read_number(item["created_at"]) or 0.0
        return User(name=item["user_name"]["S"], admin=item["admin"]["BOOL"], created_at=created_at)

    @_dynamodb
    def has_users(self) -> bool:
        return self._get(_USERS_MARKER) is not None

    @_dynamodb
    def save_token(self, token: ApiToken) -> None:
        item: dict[str, Any] = {
            "id": {"S": f"token#{token.id}"},
            "token_id": {"S": token.id},
            "token_user": {"S": token.user},
            "token_name": {"S": token.name},
            "secret_sha256": {"S": token.secret_sha256},
            "created_at": _number(token.created_at),
            "last_used_at": _number(token.last_used_at),
            "revoked_at": _number(token.revoked_at),
        }
        self._client.put_item(TableName=self._table, Item=item)

    @_dynamodb
    def get_token(self, token_id: str) -> ApiToken | None:
        item = self._get(f"token#{token_id}")
        return None if item is None else _token(item)

    @_dynamodb
    def list_tokens(self, *, user: str | None = None) -> tuple[ApiToken, ...]:
        found: list[ApiToken] = []
        query: dict[str, Any] = {
            "TableName": self._table,
            "FilterExpression": "begins_with(id, :prefix)",
            "ExpressionAttributeValues": {":prefix": {"S": "token#"}},
            "ConsistentRead": True,
        }
        while True:
            response = self._client.scan(**query)
            found.extend(_token(item) for item in response.get("Items", []))
            if "LastEvaluatedKey" not in response:
                break
            query["ExclusiveStartKey"] = response["LastEvaluatedKey"]
        found.sort(key=lambda token: (token.created_at, token.id))
        return tuple(token for token in found if user is None or token.user == user)

    def _get(self, key: str) -> dict[str, Any] | None:
        response = self._client.get_item(
            TableName=self._table, Key={"id": {"S": key}}, ConsistentRead=True
        )
        item: dict[str, Any] | None = response.get("Item")
        return item


def _token(item: dict[str, Any]) -> ApiToken:
    return ApiToken(
        id=item["token_id"]["S"],
        user=item["token_user"]["S"],
        name=item["token_name"]["S"],
        secret_sha256=item["secret_sha256"]["S"],
        created_at=_read_number(item["created_at"]) or 0.0,
        last_used_at=_read_number(item["last_used_at"]),
        revoked_at=_read_number(item["revoked_at"]),
    )
