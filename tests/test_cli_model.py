"""`brieven model install` and `brieven model info` as a user runs them."""

from __future__ import annotations

import json

import pytest

from brieven.cli import main
from index import model as default_model


@pytest.mark.slow
def test_model_install_prints_the_folder_and_is_cached(real_encoder, capsys):
    assert main(["model", "install"]) == 0  # the model is there; converts it for OpenVINO once
    capsys.readouterr()
    assert main(["model", "install"]) == 0
    out, err = capsys.readouterr()
    assert out.strip() == str(default_model.default_model_path())
    assert err == ""  # both already there: nothing to build or convert


@pytest.mark.slow
def test_model_info_json_describes_the_default_model(real_encoder, capsys):
    assert main(["model", "info", "--json"]) == 0
    facts = json.loads(capsys.readouterr().out)
    assert facts["model_id"] == "multilingual-e5-small"
    assert facts["dimension"] == 384
    assert facts["weights_hash"] == default_model.file_sha256(default_model.source_path())
    assert facts["query_prompt"] == "query: " and facts["document_prompt"] == "passage: "


def test_model_info_for_a_missing_folder_fails_with_one_line(tmp_path, capsys):
    assert main(["model", "info", "--model", str(tmp_path / "nope")]) == 1
    err = capsys.readouterr().err
    assert err.startswith("brieven: no model folder at") and err.count("\n") == 1
