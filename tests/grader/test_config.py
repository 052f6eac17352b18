"""grader/config.py: course settings from TOML, defaults from the TP specification."""

from __future__ import annotations

import pytest

from grader.config import QUESTION_IDS, config_from_mapping, default_config, load_config
from tp_ae.errors import TpAeError

SPEC_POINTS = {  # TP_SPEC.md's table, copied by hand
    "build_mlp_autoencoder": 3,
    "build_conv_autoencoder": 3,
    "add_noise": 2,
    "kl_divergence": 3,
    "reconstruction_loss": 3,
    "vae_loss": 2,
    "build_vae": 3,
    "sample_images": 2,
    "build_conv_vae": 1,
}


def test_defaults_are_the_spec_table_with_the_conv_vae_as_bonus():
    """Do the defaults give the spec's points, max_score 21, and only build_conv_vae as bonus?"""
    config = default_config()
    assert list(config.questions) == list(SPEC_POINTS) == list(QUESTION_IDS)
    assert {q: config[q].points_possible for q in QUESTION_IDS} == SPEC_POINTS
    assert config.max_score == 21
    assert [q for q in QUESTION_IDS if config[q].bonus] == ["build_conv_vae"]
    assert config.hidden_questions() == []
    assert load_config(None) == config


def test_toml_overrides_points_defaults_and_visibility(tmp_path):
    """Does a course file change what it names, apply [defaults] to all, and keep the rest?"""
    path = tmp_path / "course.toml"
    path.write_text(
        '[defaults]\ntimeout_seconds = 30\nvisibility = "after_due_date"\n'
        "[questions.kl_divergence]\npoints = 4\nmemory_mb = 512\n"
        '[questions.build_conv_vae]\nbonus = false\nvisibility = "hidden"\n',
        encoding="utf-8",
    )
    config = load_config(path)
    assert config["kl_divergence"].points_possible == 4 and config["kl_divergence"].memory_mb == 512
    assert config["add_noise"].points_possible == 2 and config["add_noise"].timeout_seconds == 30
    assert config["build_conv_vae"].visibility == "hidden"
    assert config.max_score == 21 + 1 + 1  # one more KL point, the conv VAE now counts
    assert config.hidden_questions() == list(QUESTION_IDS)
    assert config.source == path


@pytest.mark.parametrize(
    ("data", "named"),
    [
        ({"questions": {"kl_divergance": {"points": 1}}}, "kl_divergance"),
        ({"questions": {"kl_divergence": {"pts": 1}}}, "pts"),
        ({"defaults": {"points": 1}}, "points"),
        ({"grading": {}}, "grading"),
        ({"questions": {"add_noise": {"visibility": "sometimes"}}}, "sometimes"),
        ({"questions": {"add_noise": {"points": -1}}}, "points"),
        ({"defaults": {"memory_mb": 1.5}}, "memory_mb"),
        ({"questions": {"add_noise": {"bonus": "yes"}}}, "bonus"),
        ({"release": {"adress": "x"}}, "adress"),
        ({"release": {"url": 3}}, "url"),
        ({"release": {"url": " "}}, "url"),
    ],
    ids=[
        "question_id",
        "key",
        "defaults_key",
        "table",
        "visibility",
        "negative",
        "mb",
        "bonus",
        "release_key",
        "release_url_type",
        "release_url_empty",
    ],  # fmt: skip
)
def test_unknown_or_bad_settings_are_one_line_errors_naming_them(data, named):
    """Is every unknown id, key or bad value refused in one line that names it?"""
    with pytest.raises(TpAeError) as err:
        config_from_mapping(data)
    assert named in str(err.value) and "\n" not in str(err.value)


def test_unreadable_and_invalid_toml_are_one_line_errors(tmp_path):
    """Are a missing file and broken TOML reported with the file's name, in one line?"""
    with pytest.raises(TpAeError, match="cannot read"):
        load_config(tmp_path / "missing.toml")
    broken = tmp_path / "broken.toml"
    broken.write_text("[questions\n", encoding="utf-8")
    with pytest.raises(TpAeError, match="broken.toml: not valid TOML"):
        load_config(broken)


def test_release_url_is_read_from_its_table(tmp_path):
    """Does ``[release] url`` give the address students install, and its absence None?"""
    path = tmp_path / "course.toml"
    path.write_text('[release]\nurl = "https://example.org/tp-ae.zip"\n', encoding="utf-8")
    assert load_config(path).release_url == "https://example.org/tp-ae.zip"
    assert default_config().release_url is None
    assert config_from_mapping({"release": {}}).release_url is None
