"""X12 837P intake: the interchange streamed through the shared reader, 999 and 277CA back."""
