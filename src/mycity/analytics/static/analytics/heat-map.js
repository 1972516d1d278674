// The heat map: the server counts reports per grid cell (never a marker per report);
// this draws each cell as a rectangle whose opacity grows with its count.
document.addEventListener("DOMContentLoaded", () => {
  const box = document.querySelector("[data-heat-map]");
  if (!box || typeof L === "undefined") return;
  const map = L.map(box).setView([Number(box.dataset.lat), Number(box.dataset.lon)], 12);
  if (box.dataset.tiles) {
    L.tileLayer(box.dataset.tiles, { attribution: box.dataset.attribution, maxZoom: 19 }).addTo(map);
  }
  fetch(box.dataset.source, { credentials: "same-origin" })
    .then((response) => (response.ok ? response.json() : { cells: [] }))
    .then(({ cells }) => {
      const top = Math.max(1, ...cells.map((cell) => cell[4]));
      const layer = L.featureGroup();
      for (const [south, west, north, east, n] of cells) {
        L.rectangle([[south, west], [north, east]], {
          stroke: false,
          fillColor: "#c0392b",
          fillOpacity: 0.15 + 0.65 * (n / top),
        })
          .bindTooltip(String(n))
          .addTo(layer);
      }
      layer.addTo(map);
      if (cells.length) map.fitBounds(layer.getBounds(), { maxZoom: 15 });
    });
});
