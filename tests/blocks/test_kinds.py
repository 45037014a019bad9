"""The 45 kinds: Roboflow's names and serialised types, our own descriptions."""

from blocks.kinds import ALL_KINDS, KINDS_BY_NAME


def test_the_kinds_are_roboflows(roboflow_describe):
    theirs = {k["name"]: k for k in roboflow_describe["declared_kinds"]}
    assert len(ALL_KINDS) == 45
    assert set(KINDS_BY_NAME) == set(theirs)
    for kind in ALL_KINDS:
        assert kind.serialised_data_type == theirs[kind.name]["serialised_data_type"], kind.name
        assert kind.internal_data_type == theirs[kind.name]["internal_data_type"], kind.name
        assert kind.description
        assert kind.description != theirs[kind.name]["description"], kind.name


def test_kind_as_dict_leaves_out_long_docs():
    assert KINDS_BY_NAME["image"].as_dict() == {
        "name": "image",
        "description": "An image, with its lineage when it is a crop",
        "serialised_data_type": "dict",
        "internal_data_type": "WorkflowImageData",
    }
