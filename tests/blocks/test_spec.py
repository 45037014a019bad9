from blocks.spec import BlockSpec, CatalogSnapshot, Reference


def _description(roboflow_describe, identifier):
    return next(b for b in roboflow_describe["blocks"] if b["manifest_type_identifier"] == identifier)


def test_parses_classification_v2_properties_and_outputs(roboflow_describe):
    spec = BlockSpec.from_description(_description(roboflow_describe, "roboflow_core/roboflow_classification_model@v2"))
    assert spec.human_name == "Single-Label Classification Model"
    assert list(spec.properties) == [
        "name",
        "images",
        "model_id",
        "confidence",
        "disable_active_learning",
        "active_learning_target_dataset",
    ]
    images = spec.properties["images"]
    assert images.required and not images.accepts_literals
    assert images.references == (Reference("any_data", ("image",), "dynamic"),)
    confidence = spec.properties["confidence"]
    assert confidence.takes_reference and confidence.accepts_literals
    assert (confidence.has_default, confidence.default, confidence.kinds) == (
        True,
        0.4,
        ("float_zero_to_one",),
    )
    assert not spec.properties["name"].takes_reference
    assert [(o.name, o.kinds) for o in spec.outputs] == [
        ("predictions", ("classification_prediction",)),
        ("inference_id", ("inference_id",)),
        ("model_id", ("roboflow_model_id",)),
    ]


def test_continue_if_next_steps_is_a_step_selector_list(roboflow_describe):
    spec = BlockSpec.from_description(_description(roboflow_describe, "roboflow_core/continue_if@v1"))
    next_steps = spec.properties["next_steps"]
    assert next_steps.takes_step_selector and not next_steps.takes_reference
    assert next_steps.is_list_element
    evaluation = spec.properties["evaluation_parameters"]
    assert evaluation.is_dict_element and evaluation.kinds == ("*",)


def test_snapshot_resolves_aliases(roboflow_describe):
    specs = [BlockSpec.from_description(b) for b in roboflow_describe["blocks"]]
    snapshot = CatalogSnapshot.build(specs, version="t")
    assert len(snapshot.blocks) == 250
    resolved = snapshot.resolve("ClassificationModel")
    assert resolved is not None
    assert resolved.type_identifier == "roboflow_core/roboflow_classification_model@v1"
    assert snapshot.resolve("NoSuchBlock") is None
