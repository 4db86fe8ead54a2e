"""The typed models of /api/v1, by area: what each route reads and answers (rkc/api/spec.py
makes the OpenAPI document from them)."""
