"""Every setting Arrears reads from the environment, in one pydantic-settings model.

Why one model: the names, defaults and meanings were spread over six modules; here each has a
type, a default and a description, and docs/operations.md's table is generated from it (a
test keeps the two equal: `python -m engine.settings` prints the table).

Settings are read at call time, not import time, so tests and the demo can point a process at
a fresh home without reloading modules: `get_settings()` is cached per value of the variables
it reads, so changing one (monkeypatch.setenv, the demo's `os.environ[...] = ...`) is seen at
the next call, with no cache to reset. Bad values are `InputError`s naming the variable.

May import: `engine.contracts` only.
"""

from __future__ import annotations

import os
from functools import lru_cache
from pathlib import Path
from typing import Annotated, Any

from pydantic import AfterValidator, BeforeValidator, Field, SecretStr, ValidationError
from pydantic_settings import BaseSettings, SettingsConfigDict

from engine.contracts.errors import InputError, Problem
from engine.contracts.timestamps import parse_hhmm


def _blank_is_unset(value: Any) -> Any:
    """Whitespace around a value is ignored, as `ARREARS_DAILY_WORKERS` always allowed."""
    return value.strip() or None if isinstance(value, str) else value


def _clock_time(value: str) -> str:
    parse_hhmm(value, allow_24=False)
    return value


Stripped = BeforeValidator(_blank_is_unset)


class Settings(BaseSettings):
    """Arrears' settings; each field is one environment variable (`ARREARS_<FIELD>` unless named)."""

    model_config = SettingsConfigDict(env_prefix="ARREARS_", env_ignore_empty=True, extra="ignore", frozen=True)

    home: Path = Field(
        Path(".arrears"), description="The state folder: the default SQLite database, reports, the demo's data."
    )
    database_url: str | None = Field(
        None,
        description="SQLAlchemy URL of the system of record (SQLite or PostgreSQL, e.g. "
        "`postgresql+psycopg://arrears@db/arrears`); unset means `$ARREARS_HOME/arrears.sqlite`.",
    )
    daily_workers: Annotated[int | None, Stripped] = Field(
        None,
        description="Worker processes evaluating the daily run's chunks; unset means one per CPU this process "
        "may use; 1 (or a single chunk) runs in-process.",
    )
    chunk_size: int = Field(
        1000, ge=1, le=5000, description="Accounts per chunk (one Prefect task, one transaction) of the daily run; "
        "the default of `--chunk-size` for `arrears run daily` and `arrears serve`."
    )
    run_local_time: Annotated[str, AfterValidator(_clock_time)] = Field(
        "08:00",
        description="HH:MM at which a business date is evaluated, in each playbook's time zone (a fixed instant "
        "per date makes reruns decide exactly as the first run did).",
    )
    emergency_plan: str | None = Field(
        None, description="The emergency plan the `arrears emergency` commands use; unset means "
        "`playbooks/emergency.yaml`."
    )
    emergency_response: str | None = Field(
        None, description="How a declaration's response runs when `--response` is not given: `flow` (the default, "
        "a Prefect flow), `inline` (in this process) or `none`."
    )
    api_key: SecretStr | None = Field(
        None,
        description="The API key of the user running a command (`arr_…`, from `arrears users add`); every command "
        "that changes the record needs one, and the user's role must allow it (exit 3 otherwise).",
    )
    api_check_rate: float = Field(
        400.0, gt=0, description="`arrears api`: `/v1/check` requests per second allowed to one API key (a token "
        "bucket in each worker process: with N workers a key may reach N times this)."
    )
    api_check_burst: int = Field(
        400, ge=1, description="`arrears api`: how many `/v1/check` requests one key may send at once above its rate."
    )
    prefect_home: Path | None = Field(
        None,
        validation_alias="PREFECT_HOME",
        description="Prefect's own state (read by Prefect); unset means `~/.prefect`. Tests keep it in a temporary "
        "folder.",
    )
    prefect_api_url: str | None = Field(
        None,
        validation_alias="PREFECT_API_URL",
        description="A running Prefect server (read by Prefect, e.g. `http://127.0.0.1:4200/api`); unset means each "
        "run starts Prefect's temporary server.",
    )

    def resolved_database_url(self) -> str:
        """`database_url`, else an absolute SQLite URL in the home folder (resolved against today's cwd)."""
        return self.database_url or f"sqlite:///{(self.home / 'arrears.sqlite').resolve()}"


def env_name(field: str) -> str:
    """The environment variable a field is read from."""
    alias = Settings.model_fields[field].validation_alias
    return alias if isinstance(alias, str) else f"ARREARS_{field.upper()}"


ENV_NAMES = tuple(env_name(name) for name in Settings.model_fields)


def get_settings() -> Settings:
    """The settings as the environment says now (cached per value of the variables read)."""
    return _load(tuple(os.environ.get(name) for name in ENV_NAMES))


@lru_cache(maxsize=16)
def _load(_key: tuple[str | None, ...]) -> Settings:
    try:
        return Settings()
    except ValidationError as exc:
        fields = {str(err["loc"][0]) if err["loc"] else "": err["msg"] for err in exc.errors()}
        names = {name: env_name(name) for name in Settings.model_fields}
        raise InputError([Problem(names.get(f, f), 0, 0, msg) for f, msg in fields.items()]) from None


def arrears_home() -> Path:
    """The project's state folder: `$ARREARS_HOME`, default `./.arrears`."""
    return get_settings().home


def database_url() -> str:
    """`$ARREARS_DATABASE_URL`, default an SQLite file `arrears.sqlite` in the home folder."""
    return get_settings().resolved_database_url()


def settings_table() -> str:
    """The markdown table of every setting, as docs/operations.md shows it."""
    rows = ["| variable | default | meaning |", "|---|---|---|"]
    for name, field in Settings.model_fields.items():
        default = "—" if field.default is None else f"`{field.default}`"
        rows.append(f"| `{env_name(name)}` | {default} | {field.description} |")
    return "\n".join(rows)


if __name__ == "__main__":
    print(settings_table())
