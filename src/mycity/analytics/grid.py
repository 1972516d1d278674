"""The grid the heat map and the hotspots count reports in: cells of about 220 × 215 m
in Belarus (0.002° of latitude by 0.0033° of longitude at 54° N). A cell is named by
its row and column, whole numbers of steps from 0° N, 0° E."""

import math

CELL_LAT = 0.002
CELL_LON = 0.0033


def cell_of(lat: float, lon: float) -> tuple[int, int]:
    return math.floor(lat / CELL_LAT), math.floor(lon / CELL_LON)


def cell_bounds(row: int, col: int, size: int = 1) -> tuple[float, float, float, float]:
    """South, west, north, east of a cell (or of a block of `size` × `size` cells
    whose first cell it is)."""
    return (
        round(row * CELL_LAT, 6),
        round(col * CELL_LON, 6),
        round((row + size) * CELL_LAT, 6),
        round((col + size) * CELL_LON, 6),
    )
