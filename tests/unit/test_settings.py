"""Settings read env, .env and tetra.toml, and never reveal secrets."""

from __future__ import annotations

from pathlib import Path

import pytest

from tetra.settings import Settings


@pytest.fixture(autouse=True)
def isolated(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    for name in list(__import__("os").environ):
        if name.startswith("TETRA_"):
            monkeypatch.delenv(name)
    return tmp_path


def test_defaults_put_both_stores_under_the_data_dir() -> None:
    settings = Settings()

    assert settings.live_store == str(Path("data") / "tetra.duckdb")
    assert settings.sample_store == str(Path("data") / "sample.duckdb")
    assert settings.polygon.api_key is None


def test_nested_environment_keys_fill_sections(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TETRA_POLYGON__API_KEY", "pk-secret")
    monkeypatch.setenv("TETRA_SMTP__PORT", "2525")

    settings = Settings()

    assert settings.polygon.api_key is not None
    assert settings.polygon.api_key.get_secret_value() == "pk-secret"
    assert settings.smtp.port == 2525


def test_secrets_never_show_in_repr_or_dump(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TETRA_FRED__API_KEY", "fred-secret")

    settings = Settings()

    assert "fred-secret" not in repr(settings)
    assert "fred-secret" not in settings.model_dump_json()


def test_toml_file_is_read_and_env_wins_over_it(
    isolated: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (isolated / "tetra.toml").write_text('data_dir = "/srv/tetra"\n[smtp]\nport = 465\n')
    monkeypatch.setenv("TETRA_SMTP__PORT", "2525")

    settings = Settings()

    assert settings.data_dir == Path("/srv/tetra")
    assert settings.smtp.port == 2525


def test_empty_values_in_dotenv_mean_unset(isolated: Path) -> None:
    (isolated / ".env").write_text("TETRA_POLYGON__API_KEY=\nTETRA_STORE_URL=\n")

    settings = Settings()

    assert settings.polygon.api_key is None
    assert settings.store_url is None


def test_unknown_keys_are_refused(isolated: Path) -> None:
    (isolated / "tetra.toml").write_text("data_dri = 'typo'\n")

    with pytest.raises(ValueError, match="data_dri"):
        Settings()


def test_env_example_documents_every_setting() -> None:
    example = (Path(__file__).parents[2] / ".env.example").read_text()
    for name, field in Settings.model_fields.items():
        section = field.annotation
        nested = getattr(section, "model_fields", None)
        keys = (
            [f"TETRA_{name.upper()}__{k.upper()}" for k in nested]
            if nested
            else [f"TETRA_{name.upper()}"]
        )
        for key in keys:
            assert f"{key}=" in example, key
