"""Batch job endpoints: start, list, read, cancel, retry, and the streamed result exports."""
