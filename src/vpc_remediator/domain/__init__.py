"""Pure rules: no boto3, botocore or Powertools here (ruff TID251 enforces it)."""
