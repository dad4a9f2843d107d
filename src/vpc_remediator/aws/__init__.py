"""One adapter per AWS service: clients injected, ClientError translated into domain errors."""
