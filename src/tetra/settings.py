"""Tetra's settings: environment variables, an optional ``tetra.toml``, and defaults.

Precedence, strongest first: keyword arguments, ``TETRA_*`` environment variables (nested
sections with ``__``: ``TETRA_POLYGON__API_KEY``), a ``.env`` file, then ``tetra.toml`` (or the
file named by ``TETRA_CONFIG``). Secrets are `SecretStr`: they print as ``**********`` and are
never logged. ``.env.example`` documents every key.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, Field, SecretStr
from pydantic_settings import (
    BaseSettings,
    PydanticBaseSettingsSource,
    SettingsConfigDict,
    TomlConfigSettingsSource,
)


class VendorKey(BaseModel):
    """An API key for a keyed vendor; None means the adapter is not configured."""

    api_key: SecretStr | None = None


class BinanceSettings(BaseModel):
    api_key: SecretStr | None = None
    api_secret: SecretStr | None = None
    base_url: str = "https://api.binance.com"


class LlmEndpoint(BaseModel):
    """An OpenAI-compatible endpoint (OpenAI, Azure, Ollama, vLLM, llama.cpp server)."""

    base_url: str | None = None
    model: str | None = None
    api_key: SecretStr | None = None


class JobsSettings(BaseModel):
    """Long API work (backtests, sweeps): how much runs at once and how big a sweep may be."""

    concurrency: int = Field(default=2, ge=1, le=64, description="Jobs running at once.")
    max_sweep_combinations: int = Field(
        default=10_000, ge=1, description="A sweep with more parameter combinations is a 422."
    )


class ChatSettings(BaseModel):
    """The database chat: which tables are private, and how it reaches the database."""

    private_schemas: list[str] = Field(
        default_factory=lambda: [
            "strategies",
            "execution",
            "portfolio",
            "simulation",
            "cycle",
            "reports",
        ],
        description="Schemas only the local model may see; their rows never go to the cloud.",
    )
    public_schemas: list[str] = Field(
        default_factory=lambda: ["market_data", "economic_data", "events", "news", "derived"]
    )
    public_tables: list[str] = Field(
        default_factory=lambda: ["ops.coverage", "ops.ingest_runs", "ops.quarantine"]
    )
    database_url: SecretStr | None = Field(
        default=None,
        description="PostgreSQL login of the tetra_chat role; unset: the store URL + SET ROLE.",
    )
    timeout_seconds: float = 30.0
    pool_size: int = Field(
        default=4,
        ge=1,
        le=64,
        description="Read-only connections the chat runs queries on: a slow query takes one.",
    )
    max_rows: int = 1000
    export_max_rows: int = Field(
        default=1_000_000,
        ge=1,
        description="Rows a CSV or Excel export of a chat query may hold (the screen shows 1,000).",
    )


class SmtpSettings(BaseModel):
    host: str = "127.0.0.1"
    port: int = 587
    username: str | None = None
    password: SecretStr | None = None
    starttls: bool = True
    sender: str = "tetra@localhost"
    recipients: list[str] = Field(default_factory=list)


class AlpacaSettings(BaseModel):
    key_id: SecretStr | None = None
    secret_key: SecretStr | None = None
    paper: bool = True


class IbkrSettings(BaseModel):
    host: str = "127.0.0.1"
    port: int = 7497  # TWS paper trading
    client_id: int = 1


class MlSettings(BaseModel):
    """Experiment tracking: MLflow on a SQLite file under data_dir unless a server is named."""

    tracking_uri: str | None = Field(
        default=None,
        description="MLflow tracking URI (http://host:5000); default sqlite:///data_dir/mlflow.db.",
    )
    artifact_dir: Path | None = Field(
        default=None, description="Where artifacts of the SQLite store go; default data_dir/mlflow."
    )


class RaySettings(BaseModel):
    """Where simulations run: unset = a local process pool; ``auto`` = a local Ray."""

    address: str | None = Field(
        default=None,
        description="Ray cluster address (ray://head:10001); 'auto' starts a local Ray.",
    )
    num_cpus: int = Field(default=2, ge=1, description="CPUs of a local Ray ('auto').")


class SimulationSettings(BaseModel):
    """The simulator's defaults: local workers, paths per chunk, user scenario files."""

    workers: int = Field(default=2, ge=1, description="Local pool processes for Monte Carlo.")
    chunk_paths: int = Field(default=25, ge=1, description="Paths per task sent to a worker.")
    scenario_dir: Path | None = Field(
        default=None, description="Your scenario TOML files; default data_dir/scenarios."
    )


class GdeltSettings(BaseModel):
    """GDELT 2.0 events: which to keep, and how far back a backfill may reach."""

    enabled: bool = True
    root_codes: list[str] = Field(
        default_factory=lambda: ["13", "14", "15", "16", "17", "18", "19", "20"],
        description="CAMEO root codes kept (default: threaten through mass violence).",
    )
    min_mentions: int = Field(default=10, ge=1)
    root_events_only: bool = True
    max_backfill_days: int = Field(default=7, ge=1, le=3660)


class GprSettings(BaseModel):
    enabled: bool = True
    publication_lag_days: int = Field(
        default=7, ge=0, description="Assumed delay before a value was public, for history."
    )


class RedditSettings(BaseModel):
    """An OAuth app (https://www.reddit.com/prefs/apps); without it the social step is skipped."""

    client_id: str | None = None
    client_secret: SecretStr | None = None
    user_agent: str = "python:tetra:0.1 (self-hosted research platform)"
    subreddits: list[str] = Field(
        default_factory=lambda: [
            "stocks",
            "investing",
            "wallstreetbets",
            "StockMarket",
            "CryptoCurrency",
        ]
    )


class CryptoUniverseSettings(BaseModel):
    top: int = Field(default=10, ge=1, le=100)
    apply: bool = Field(
        default=False, description="Record top-N changes in the membership, not only report them."
    )


class AlertSettings(BaseModel):
    """Tetra's own alerts: where they go and when data counts as stale."""

    webhook_url: SecretStr | None = Field(
        default=None, description="POST alerts here (Slack and Telegram URLs hold a secret)."
    )
    webhook_format: Literal["json", "slack", "telegram"] = "json"
    telegram_chat_id: str | None = Field(default=None, description="For webhook_format=telegram.")
    email: bool = Field(default=False, description="Also email alerts to smtp.recipients.")
    stale_after_hours: float = Field(default=96.0, gt=0, description="Newest bar older: stale.")
    quarantine_threshold: int = Field(
        default=100, ge=0, description="Quarantined records per dataset per 24 h that alert."
    )


class OpsSettings(BaseModel):
    """Long-running processes: the scheduler's metrics port, scheduled backups."""

    metrics_host: str = "127.0.0.1"
    metrics_port: int | None = Field(
        default=None, description="The scheduler serves /metrics here (Prometheus scrapes it)."
    )
    backup_dir: Path | None = Field(default=None, description="Default data_dir/backups.")
    backup_keep: int = Field(default=7, ge=0, description="Daily backups kept; 0 = no backup.")


class Settings(BaseSettings):
    """Every setting Tetra reads; build once at a composition root and pass it down."""

    model_config = SettingsConfigDict(
        env_prefix="TETRA_",
        env_nested_delimiter="__",
        env_file=".env",
        env_ignore_empty=True,
        extra="forbid",
    )

    data_dir: Path = Path("data")
    store_url: str | None = Field(
        default=None,
        description="Live store: DuckDB path or postgresql:// URL; default data_dir/tetra.duckdb.",
    )
    sample_store_url: str | None = Field(
        default=None, description="Sample store; default data_dir/sample.duckdb."
    )
    log_level: str = "INFO"
    timezone: str = "America/New_York"

    api_key: SecretStr | None = Field(
        default=None, description="Key for X-API-Key; generated into data_dir/api_key if unset."
    )
    web_dir: Path | None = Field(
        default=None, description="The built web app; default web/dist beside the sources."
    )
    api_host: str = "127.0.0.1"
    api_port: int = 8000
    cors_origins: list[str] = Field(default_factory=list)
    redis_url: str | None = None

    polygon: VendorKey = Field(default_factory=VendorKey)
    fred: VendorKey = Field(default_factory=VendorKey)
    newsapi: VendorKey = Field(default_factory=VendorKey)
    alphavantage: VendorKey = Field(default_factory=VendorKey)
    coingecko: VendorKey = Field(default_factory=VendorKey)
    binance: BinanceSettings = Field(default_factory=BinanceSettings)
    llm_cloud: LlmEndpoint = Field(default_factory=LlmEndpoint)
    llm_local: LlmEndpoint = Field(
        default_factory=lambda: LlmEndpoint(base_url="http://127.0.0.1:11434/v1")
    )
    chat: ChatSettings = Field(default_factory=ChatSettings)
    jobs: JobsSettings = Field(default_factory=JobsSettings)
    smtp: SmtpSettings = Field(default_factory=SmtpSettings)
    alpaca: AlpacaSettings = Field(default_factory=AlpacaSettings)
    ibkr: IbkrSettings = Field(default_factory=IbkrSettings)
    ml: MlSettings = Field(default_factory=MlSettings)
    ray: RaySettings = Field(default_factory=RaySettings)
    simulation: SimulationSettings = Field(default_factory=SimulationSettings)
    books: dict[str, dict[str, Any]] = Field(
        default_factory=dict,
        description="Books the daily cycle runs: [books.<name>] tables (see parse_book).",
    )
    gdelt: GdeltSettings = Field(default_factory=GdeltSettings)
    gpr: GprSettings = Field(default_factory=GprSettings)
    reddit: RedditSettings = Field(default_factory=RedditSettings)
    crypto_universe: CryptoUniverseSettings = Field(default_factory=CryptoUniverseSettings)
    alerts: AlertSettings = Field(default_factory=AlertSettings)
    ops: OpsSettings = Field(default_factory=OpsSettings)

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        toml_file = Path(os.environ.get("TETRA_CONFIG", "tetra.toml"))
        toml = TomlConfigSettingsSource(settings_cls, toml_file=toml_file)
        return (init_settings, env_settings, dotenv_settings, toml)

    @property
    def live_store(self) -> str:
        return self.store_url or str(self.data_dir / "tetra.duckdb")

    @property
    def backup_dir(self) -> Path:
        return self.ops.backup_dir or self.data_dir / "backups"

    @property
    def scenario_dir(self) -> Path:
        return self.simulation.scenario_dir or self.data_dir / "scenarios"

    @property
    def risk_policy_dir(self) -> Path:
        """Where named risk policies live (``<name>.toml``), as a strategy spec names them."""
        return self.data_dir / "risk_policies"

    @property
    def sample_store(self) -> str:
        return self.sample_store_url or str(self.data_dir / "sample.duckdb")

    @property
    def tracking_uri(self) -> str:
        if self.ml.tracking_uri:
            return self.ml.tracking_uri
        return f"sqlite:///{(self.data_dir / 'mlflow.db').resolve()}"

    @property
    def artifact_dir(self) -> Path | None:
        if self.ml.tracking_uri:
            return self.ml.artifact_dir
        return self.ml.artifact_dir or self.data_dir / "mlflow"
