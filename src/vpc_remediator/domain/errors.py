"""The project's small error hierarchy: adapters translate AWS errors into these."""


class RemediatorError(Exception):
    """Base of every error the remediator raises on purpose."""


class ConfigurationError(RemediatorError):
    """A setting is missing or invalid; the message names the parameter."""


class InvalidEventError(RemediatorError):
    """The input is not an EventBridge event the remediator understands."""


class AccessDeniedError(RemediatorError):
    """AWS refused a call (IAM, an organization SCP): an expected refusal, reported as `blocked`."""

    def __init__(self, api: str, message: str) -> None:
        super().__init__(f"{api} was denied: {message}")
        self.api = api
        self.message = message


class ResourceNotFoundError(RemediatorError):
    """The resource vanished or is not visible yet (eventual consistency)."""


class AwsCallError(RemediatorError):
    """An unexpected AWS failure: re-raised so Lambda retries and the DLQ keeps the event."""


class TransientAwsError(AwsCallError):
    """A fault that may pass (throttling, a 5xx, a timeout or a lost connection): Lambda's retry may succeed."""


class ConcurrentChangeError(RemediatorError):
    """Someone else made the same change meanwhile (another function, a person): read again and re-plan."""
