from http import HTTPStatus
from typing import Any

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.assessment import Assessment
from ...models.assessment_request import AssessmentRequest
from ...models.errors import Errors
from ...types import Response


def _get_kwargs(
    *,
    body: AssessmentRequest,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}

    _kwargs: dict[str, Any] = {
        "method": "post",
        "url": "/api/v1/assessments",
    }

    _kwargs["json"] = body.to_dict()

    headers["Content-Type"] = "application/json"

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Assessment | Errors | None:
    if response.status_code == 200:
        response_200 = Assessment.from_dict(response.json())

        return response_200

    if response.status_code == 400:
        response_400 = Errors.from_dict(response.json())

        return response_400

    if response.status_code == 405:
        response_405 = Errors.from_dict(response.json())

        return response_405

    if response.status_code == 413:
        response_413 = Errors.from_dict(response.json())

        return response_413

    if response.status_code == 503:
        response_503 = Errors.from_dict(response.json())

        return response_503

    if client.raise_on_unexpected_status:
        raise errors.UnexpectedStatus(response.status_code, response.content)
    else:
        return None


def _build_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Response[Assessment | Errors]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient | Client,
    body: AssessmentRequest,
) -> Response[Assessment | Errors]:
    """Assess the symptoms after a treatment

     The urgency level, where to go first, the likely complications (ranked) and the expected effects of
    the treatment, for what the patient reports. Nothing is stored.

    Args:
        body (AssessmentRequest): The body of POST /api/v1/assessments (contract 1.1). Wrong types
            are refused, never coerced:
            "3" is not a day count and `true` is not an integer. `null` in an optional field means
            absent.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Assessment | Errors]
    """

    kwargs = _get_kwargs(
        body=body,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    *,
    client: AuthenticatedClient | Client,
    body: AssessmentRequest,
) -> Assessment | Errors | None:
    """Assess the symptoms after a treatment

     The urgency level, where to go first, the likely complications (ranked) and the expected effects of
    the treatment, for what the patient reports. Nothing is stored.

    Args:
        body (AssessmentRequest): The body of POST /api/v1/assessments (contract 1.1). Wrong types
            are refused, never coerced:
            "3" is not a day count and `true` is not an integer. `null` in an optional field means
            absent.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Assessment | Errors
    """

    return sync_detailed(
        client=client,
        body=body,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient | Client,
    body: AssessmentRequest,
) -> Response[Assessment | Errors]:
    """Assess the symptoms after a treatment

     The urgency level, where to go first, the likely complications (ranked) and the expected effects of
    the treatment, for what the patient reports. Nothing is stored.

    Args:
        body (AssessmentRequest): The body of POST /api/v1/assessments (contract 1.1). Wrong types
            are refused, never coerced:
            "3" is not a day count and `true` is not an integer. `null` in an optional field means
            absent.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Assessment | Errors]
    """

    kwargs = _get_kwargs(
        body=body,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    *,
    client: AuthenticatedClient | Client,
    body: AssessmentRequest,
) -> Assessment | Errors | None:
    """Assess the symptoms after a treatment

     The urgency level, where to go first, the likely complications (ranked) and the expected effects of
    the treatment, for what the patient reports. Nothing is stored.

    Args:
        body (AssessmentRequest): The body of POST /api/v1/assessments (contract 1.1). Wrong types
            are refused, never coerced:
            "3" is not a day count and `true` is not an integer. `null` in an optional field means
            absent.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Assessment | Errors
    """

    return (
        await asyncio_detailed(
            client=client,
            body=body,
        )
    ).parsed
