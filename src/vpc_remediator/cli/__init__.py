"""The local command (not shipped in the Lambda zip): demo, handle, audit."""
