from evals.config import IDENTITY_FIELDS, RunConfig, default_out_dir, model_slug


def test_round_trip_through_json_ignores_unknown_fields() -> None:
    config = RunConfig(suite="easyvqa", model="tiny", split="test", out="runs/x", image_splitting=True)
    assert RunConfig.from_json(config.to_json() | {"future_field": 1}) == config


def test_identity_excludes_what_may_change_between_invocations() -> None:
    assert {"limit", "batch_size", "out"}.isdisjoint(IDENTITY_FIELDS)
    assert {"model", "dtype", "image_splitting", "longest_edge", "max_new_tokens"} <= set(IDENTITY_FIELDS)


def test_default_out_dir_is_stable_and_folder_safe() -> None:
    assert model_slug("HuggingFaceM4/idefics2-8b") == "idefics2-8b"
    assert model_slug("scripted:/tmp/a b.json") == "a-b.json"
    assert default_out_dir("docvqa", "validation", "HuggingFaceM4/idefics2-8b") == "runs/docvqa-validation-idefics2-8b"
    assert default_out_dir("docvqa", "validation", "tiny", 50) == "runs/docvqa-validation-tiny-limit50"
