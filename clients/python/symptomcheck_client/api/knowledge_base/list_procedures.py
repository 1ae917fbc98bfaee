from http import HTTPStatus
from typing import Any, cast

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.errors import Errors
from ...models.procedure_list import ProcedureList
from ...types import Response


def _get_kwargs() -> dict[str, Any]:

    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/api/v1/procedures",
    }

    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Any | Errors | ProcedureList | None:
    if response.status_code == 200:
        response_200 = ProcedureList.from_dict(response.json())

        return response_200

    if response.status_code == 304:
        response_304 = cast(Any, None)
        return response_304

    if response.status_code == 405:
        response_405 = Errors.from_dict(response.json())

        return response_405

    if response.status_code == 503:
        response_503 = Errors.from_dict(response.json())

        return response_503

    if client.raise_on_unexpected_status:
        raise errors.UnexpectedStatus(response.status_code, response.content)
    else:
        return None


def _build_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Response[Any | Errors | ProcedureList]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient | Client,
) -> Response[Any | Errors | ProcedureList]:
    """The procedures the knowledge base covers

     Procedure slugs with their names and brand aliases. Carries an `ETag` (the release it comes from)
    and `Cache-Control: no-cache`: send `If-None-Match` and get 304 until staff publish a new release.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Any | Errors | ProcedureList]
    """

    kwargs = _get_kwargs()

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    *,
    client: AuthenticatedClient | Client,
) -> Any | Errors | ProcedureList | None:
    """The procedures the knowledge base covers

     Procedure slugs with their names and brand aliases. Carries an `ETag` (the release it comes from)
    and `Cache-Control: no-cache`: send `If-None-Match` and get 304 until staff publish a new release.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Any | Errors | ProcedureList
    """

    return sync_detailed(
        client=client,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient | Client,
) -> Response[Any | Errors | ProcedureList]:
    """The procedures the knowledge base covers

     Procedure slugs with their names and brand aliases. Carries an `ETag` (the release it comes from)
    and `Cache-Control: no-cache`: send `If-None-Match` and get 304 until staff publish a new release.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Any | Errors | ProcedureList]
    """

    kwargs = _get_kwargs()

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    *,
    client: AuthenticatedClient | Client,
) -> Any | Errors | ProcedureList | None:
    """The procedures the knowledge base covers

     Procedure slugs with their names and brand aliases. Carries an `ETag` (the release it comes from)
    and `Cache-Control: no-cache`: send `If-None-Match` and get 304 until staff publish a new release.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Any | Errors | ProcedureList
    """

    return (
        await asyncio_detailed(
            client=client,
        )
    ).parsed
