// The service-area and boundary editor: a Leaflet map with Leaflet-Geoman's drawing tools
// over the textarea that holds the area's GeoJSON. The map writes every change into the
// textarea as one Polygon or MultiPolygon; without JavaScript the textarea alone works
// (paste GeoJSON). Around the drawing: the city's boundary (dashed), the other areas
// (grey) and the gaps the last check found (red).
(function () {
  "use strict";

  function polygonsOf(layer) {
    var geometry = layer.toGeoJSON().geometry;
    if (geometry.type === "Polygon") return [geometry.coordinates];
    if (geometry.type === "MultiPolygon") return geometry.coordinates;
    return [];
  }

  function write(drawn, field) {
    var polygons = [];
    drawn.eachLayer(function (layer) { polygons = polygons.concat(polygonsOf(layer)); });
    if (!polygons.length) field.value = "";
    else if (polygons.length === 1) field.value = JSON.stringify({ type: "Polygon", coordinates: polygons[0] });
    else field.value = JSON.stringify({ type: "MultiPolygon", coordinates: polygons });
    field.dispatchEvent(new Event("change"));
  }

  function start(element) {
    if (element.dataset.drawn || typeof L === "undefined" || !L.PM) return;
    var source = document.getElementById(element.dataset.areaMap);
    var field = element.closest("form").querySelector("[data-area-field]");
    if (!source || !field) return;
    element.dataset.drawn = "true";
    var data = JSON.parse(source.textContent);
    var map = L.map(element, { scrollWheelZoom: false });
    if (data.tiles) L.tileLayer(data.tiles, { attribution: data.attribution, maxZoom: 19 }).addTo(map);
    var boundary = L.geoJSON(data.boundary, { pmIgnore: true, interactive: false, style: { className: "area-boundary" } }).addTo(map);
    (data.others || []).forEach(function (other) {
      var layer = L.geoJSON(other.area, { pmIgnore: true, style: { className: "area-other" } }).addTo(map);
      var name = document.createElement("span");
      name.textContent = other.name;
      layer.bindTooltip(name);
    });
    (data.gaps || []).forEach(function (gap) {
      L.geoJSON(gap, { pmIgnore: true, interactive: false, style: { className: "area-gap" } }).addTo(map);
    });
    var drawn = L.featureGroup().addTo(map);
    var current = null;
    try { current = field.value.trim() ? JSON.parse(field.value) : null; } catch (e) { current = null; }
    if (current) {
      L.geoJSON(current).eachLayer(function (layer) { drawn.addLayer(layer); });
    }
    map.fitBounds((drawn.getLayers().length ? drawn : boundary).getBounds());
    map.pm.setGlobalOptions({ layerGroup: drawn, snappable: true });
    map.pm.addControls({
      position: "topleft",
      drawMarker: false, drawCircleMarker: false, drawPolyline: false, drawCircle: false,
      drawText: false, cutPolygon: true, rotateMode: false,
    });
    map.on("pm:create", function (event) {
      drawn.addLayer(event.layer);
      event.layer.on("pm:edit", function () { write(drawn, field); });
      write(drawn, field);
    });
    map.on("pm:remove pm:cut", function () { write(drawn, field); });
    drawn.on("pm:edit pm:dragend", function () { write(drawn, field); });
    drawn.eachLayer(function (layer) { layer.on("pm:edit", function () { write(drawn, field); }); });
  }

  function startAll() {
    document.querySelectorAll("[data-area-map]").forEach(start);
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", startAll);
  else startAll();
})();
