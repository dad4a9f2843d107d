"""One thin module per Lambda function: decorators, parse, one call, return the reports."""
