from livepair.config import Settings, parse_settings


def test_defaults_when_nothing_is_sent() -> None:
    assert parse_settings(None) == (Settings(), [])


def test_valid_values_apply_from_either_shape() -> None:
    nested, warnings = parse_settings({"livepair": {"proactivity": "quiet", "hoverWaitMs": 250}})
    flat, _ = parse_settings({"proactivity": "quiet", "hoverWaitMs": 250})
    assert warnings == [] and nested == flat
    assert nested.proactivity == "quiet" and nested.hover_wait_ms == 250


def test_invalid_values_fall_back_with_a_warning_each() -> None:
    settings, warnings = parse_settings(
        {
            "proactivity": "loud",
            "hoverWaitMs": -5,
            "baseUrl": "http://insecure",
            "redaction": "yes",
            "model": "m",
        }
    )
    assert settings.proactivity == "balanced" and settings.hover_wait_ms == 1500
    assert settings.base_url == "" and settings.redaction is True
    assert settings.model == "m"
    assert len(warnings) == 4 and any("'proactivity'" in w and "'balanced'" in w for w in warnings)


def test_changes_build_on_the_current_settings_and_ignore_unknown_keys() -> None:
    base, _ = parse_settings({"model": "first"})
    changed, warnings = parse_settings({"livepair": {"voice": "Kore", "futureSetting": 1}}, base)
    assert (changed.model, changed.voice, warnings) == ("first", "Kore", [])


def test_non_object_payload_is_reported() -> None:
    settings, warnings = parse_settings(["nope"])
    assert settings == Settings() and "must be an object" in warnings[0]
