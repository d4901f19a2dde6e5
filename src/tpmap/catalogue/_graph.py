"""Build the catalogue's networkx graph: typed nodes and typed edges, frozen once built.

Node keys are ``"<kind>:<id>"`` strings (``"region:lateral_elbow"``, ``"muscle:supinator"``,
``"tp:supinator.lateral"``, ``"condition:lateral_epicondylalgia"``); each node has ``kind``, ``id`` and
``record`` attributes. Edges carry a ``relation`` attribute:

=================== ============================ ======================================
relation            from → to                    extra attributes
=================== ============================ ======================================
part_of             region → parent region
adjacent_to         region → region (both ways)
has_trigger_point   muscle → trigger point
located_in          trigger point → region
refers_to           trigger point → region       ``zone``: ``"essential"`` or ``"spillover"``
mimics              muscle → condition
associated_with     muscle → muscle (both ways)
=================== ============================ ======================================

Callers should prefer the named methods on :class:`~tpmap.Catalogue`, which know these directions.
networkx is imported only when a graph is built, so ``import tpmap`` does not pay for it.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, Literal

from .records import Condition, Muscle, Region

NodeKind = Literal["region", "muscle", "tp", "condition"]
Relation = Literal[
    "part_of", "adjacent_to", "has_trigger_point", "located_in", "refers_to", "mimics", "associated_with"
]


def node_key(kind: NodeKind, ident: str) -> str:
    """The graph key of a record.

    >>> node_key("muscle", "supinator")
    'muscle:supinator'
    """
    return f"{kind}:{ident}"


def build_graph(regions: Iterable[Region], muscles: Iterable[Muscle], conditions: Iterable[Condition]) -> Any:
    """A frozen ``networkx.MultiDiGraph`` of the records (see the module docstring for its shape)."""
    import networkx as nx  # noqa: PLC0415 - a third of tpmap's import time, and only the graph needs it

    graph = nx.MultiDiGraph(name="tpmap catalogue")
    regions, muscles, conditions = tuple(regions), tuple(muscles), tuple(conditions)
    for region in regions:
        graph.add_node(node_key("region", region.id), kind="region", id=region.id, record=region)
    for condition in conditions:
        graph.add_node(node_key("condition", condition.id), kind="condition", id=condition.id, record=condition)
    for muscle in muscles:
        graph.add_node(node_key("muscle", muscle.id), kind="muscle", id=muscle.id, record=muscle)

    for region in regions:
        here = node_key("region", region.id)
        if region.parent is not None:
            graph.add_edge(here, node_key("region", region.parent), relation="part_of")
        for other in region.adjacent:
            there = node_key("region", other)
            graph.add_edge(here, there, relation="adjacent_to")
            graph.add_edge(there, here, relation="adjacent_to")

    for muscle in muscles:
        here = node_key("muscle", muscle.id)
        for tp in muscle.trigger_points:
            tp_key = node_key("tp", f"{muscle.id}.{tp.id}")
            graph.add_node(tp_key, kind="tp", id=f"{muscle.id}.{tp.id}", record=tp, muscle=muscle.id)
            graph.add_edge(here, tp_key, relation="has_trigger_point")
            graph.add_edge(tp_key, node_key("region", tp.location.region), relation="located_in")
            for zone in ("essential", "spillover"):
                for region_id in getattr(tp, zone):
                    graph.add_edge(tp_key, node_key("region", region_id), relation="refers_to", zone=zone)
        for condition_id in muscle.conditions:
            graph.add_edge(here, node_key("condition", condition_id), relation="mimics")
        for other in muscle.associated:
            there = node_key("muscle", other)
            if not graph.has_edge(here, there):
                graph.add_edge(here, there, relation="associated_with")
                graph.add_edge(there, here, relation="associated_with")
    return nx.freeze(graph)
