"""`arrears api`: the CLI's operations over HTTP (FastAPI), for dialers and other systems.

`app` builds the application (an import-string factory for uvicorn's workers), `auth` turns a
Bearer key into a user (with a cache, so `/v1/check` does not pay Argon2 per request) and
limits `/v1/check` per key, `problems` shapes every error as RFC 9457 problem details, and the
`routes_*` modules hold the endpoints, each calling the same engine code as its CLI command.
"""
