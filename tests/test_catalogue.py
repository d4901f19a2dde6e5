"""Catalogue look-ups, the region hierarchy and the graph, on the tiny catalogue."""

from __future__ import annotations

import networkx as nx
import pytest

import tpmap


def test_hierarchy_methods(tiny: tpmap.Catalogue) -> None:
    assert tiny.ancestors("thumb") == ("hand", "arm", "body")
    assert tiny.descendants("arm") == {"upper_arm", "elbow", "lateral_elbow", "forearm", "hand", "thumb"}
    assert tiny.children("arm") == ("elbow", "forearm", "hand", "upper_arm")
    assert tiny.adjacent("hand") == {"forearm"}
    assert tiny.is_within("thumb", "arm") and not tiny.is_within("arm", "thumb")
    assert tiny.depth("body") == 0 and tiny.depth("thumb") == 3


def test_zone_and_muscle_questions(tiny: tpmap.Catalogue) -> None:
    assert [(z.trigger_point, z.region, z.kind) for z in tiny.zones("alpha")] == [
        ("a1", "lateral_elbow", "essential"),
        ("a1", "forearm", "spillover"),
    ]
    assert [m.id for m in tiny.muscles_referring_to("elbow")] == ["alpha", "beta"]
    assert [m.id for m in tiny.muscles_referring_to("elbow", zone="essential")] == ["alpha"]
    assert [m.id for m in tiny.muscles_referring_to("thumb")] == ["epsilon", "gamma"]  # gamma: whole hand
    assert [m.id for m in tiny.muscles_mimicking("lateral epicondylalgia")] == ["alpha"]
    assert [m.id for m in tiny.associated("beta")] == ["alpha"]
    assert tiny.trigger_point("delta", "d1").side == "both"


def test_names_resolve_in_any_case_and_unknown_names_suggest(tiny: tpmap.Catalogue) -> None:
    assert tiny.muscle("THE DELTA MUSCLE").id == "delta"
    assert tiny.region("Outside of the elbow").id == "lateral_elbow"
    with pytest.raises(tpmap.UnknownNameError) as caught:
        tiny.muscle("alpah")
    assert caught.value.suggestions == ("alpha",)
    assert isinstance(caught.value, LookupError)
    with pytest.raises(LookupError, match="unknown trigger point of alpha 'a11'; did you mean: a1"):
        tiny.trigger_point("alpha", "a11")


def test_graph_has_typed_nodes_and_edges_and_is_frozen(tiny: tpmap.Catalogue) -> None:
    graph = tiny.graph
    kinds = {data["kind"] for _, data in graph.nodes(data=True)}
    assert kinds == {"region", "muscle", "tp", "condition"}
    relations = {data["relation"] for _, _, data in graph.edges(data=True)}
    assert relations == {
        "part_of",
        "adjacent_to",
        "has_trigger_point",
        "located_in",
        "refers_to",
        "mimics",
        "associated_with",
    }
    refers = {(u, v, d["zone"]) for u, v, d in graph.edges(data=True) if d["relation"] == "refers_to"}
    assert ("tp:alpha.a1", "region:lateral_elbow", "essential") in refers
    assert ("tp:alpha.a1", "region:forearm", "spillover") in refers
    assert graph.has_edge("region:thumb", "region:hand")
    assert nx.is_frozen(graph)
    with pytest.raises(nx.NetworkXError):
        graph.add_node("region:new")


def test_records_are_frozen(tiny: tpmap.Catalogue) -> None:
    muscle = tiny.muscle("alpha")
    with pytest.raises(ValueError, match="frozen"):
        muscle.name = "Changed"  # type: ignore[misc]
    with pytest.raises(TypeError):
        tiny.muscles["new"] = muscle  # type: ignore[index]


def test_public_api_is_exactly_all() -> None:
    """Every public name of the package is in ``__all__``, and nothing else is (the subpackages are internal)."""
    import types  # noqa: PLC0415

    public = {name for name in dir(tpmap) if not name.startswith("_")}
    subpackages = {name for name in public if isinstance(getattr(tpmap, name), types.ModuleType)}
    assert subpackages <= {"catalogue", "ranking", "render", "errors", "cli", "web"}
    assert public - subpackages == set(tpmap.__all__) - {"__version__"}
    for name in tpmap.__all__:
        assert getattr(tpmap, name).__module__.startswith("tpmap") if name != "__version__" else True
