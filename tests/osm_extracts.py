"""Small real OpenStreetMap extracts (.osm.pbf), written with pyosmium's own writer, for
the tests of the registry and district imports. The `city` fixture's boundary is a square
of ±0.05° around 55.4856, 28.7683."""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import osmium
from osmium.osm.mutable import Node, Relation, Way

LAT, LON = 55.4856, 28.7683


@dataclass
class Extract:
    """An extract under construction: nodes get ids as they are added."""

    nodes: list[Node] = field(default_factory=list)
    ways: list[Way] = field(default_factory=list)
    relations: list[Relation] = field(default_factory=list)
    next_id: int = 1

    def _id(self) -> int:
        self.next_id += 1
        return self.next_id

    def node(self, lat: float, lon: float, tags: dict[str, str] | None = None) -> int:
        node_id = self._id()
        self.nodes.append(Node(id=node_id, location=(lon, lat), tags=tags or {}))
        return node_id

    def way(
        self, points: Sequence[tuple[float, float]], tags: dict[str, str], *, closed=True
    ) -> int:
        ids = [self.node(lat, lon) for lat, lon in points]
        way_id = self._id()
        self.ways.append(Way(id=way_id, nodes=ids + ids[:1] if closed else ids, tags=tags))
        return way_id

    def building(self, lat: float, lon: float, tags: dict[str, str], size: float = 0.0002) -> int:
        """A square building outline around (lat, lon) as a closed way."""
        corners = [
            (lat - size, lon - size),
            (lat - size, lon + size),
            (lat + size, lon + size),
            (lat + size, lon - size),
        ]
        return self.way(corners, {"building": "yes", **tags})

    def multipolygon(
        self, rings: Iterable[Sequence[tuple[float, float]]], tags: dict[str, str]
    ) -> int:
        members = [("w", self.way(ring, {}), "outer") for ring in rings]
        relation_id = self._id()
        self.relations.append(
            Relation(id=relation_id, members=members, tags={"type": "multipolygon", **tags})
        )
        return relation_id

    def boundary(self, ring: Sequence[tuple[float, float]], tags: dict[str, str]) -> int:
        way = self.way(ring, {})
        relation_id = self._id()
        self.relations.append(
            Relation(
                id=relation_id,
                members=[("w", way, "outer")],
                tags={"type": "boundary", "boundary": "administrative", **tags},
            )
        )
        return relation_id

    def write(self, path: Path) -> Path:
        writer = osmium.SimpleWriter(str(path))
        try:
            for node in self.nodes:
                writer.add_node(node)
            for way in self.ways:
                writer.add_way(way)
            for relation in self.relations:
                writer.add_relation(relation)
        finally:
            writer.close()
        return path


def square(lat: float, lon: float, half: float) -> list[tuple[float, float]]:
    return [
        (lat - half, lon - half),
        (lat - half, lon + half),
        (lat + half, lon + half),
        (lat + half, lon - half),
    ]
