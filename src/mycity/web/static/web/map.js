// Draws each <div data-map="ID"> with Leaflet from the JSON in <script id="ID">: a centre,
// the tiles (none: points without a background) and points, one of them the main one.
// Runs on page load and on whatever htmx swaps in, so a card refreshed in place keeps
// its map. Labels go in as text, never as HTML: they hold residents' words.
(function () {
  "use strict";

  function label(text) {
    var span = document.createElement("span");
    span.textContent = text;
    return span;
  }

  function draw(element) {
    if (element.dataset.drawn || typeof L === "undefined") return;
    var source = document.getElementById(element.dataset.map);
    if (!source) return;
    element.dataset.drawn = "true";
    var data = JSON.parse(source.textContent);
    var map = L.map(element, { scrollWheelZoom: false });
    if (data.tiles) {
      L.tileLayer(data.tiles, { attribution: data.attribution, maxZoom: 19 }).addTo(map);
    }
    data.points.forEach(function (point) {
      var marker = L.circleMarker([point.lat, point.lon], {
        radius: point.main ? 10 : 7,
        className: point.main ? "map-point map-point-main" : "map-point",
      });
      marker.bindTooltip(label(point.label));
      if (point.url) {
        marker.on("click", function () { window.location.assign(point.url); });
      }
      marker.addTo(map);
    });
    map.setView([data.lat, data.lon], data.zoom || 17);
    if (data.pick) pickOn(map, data.pick);
    if (data.source) loadReports(map, data.source);
    if (data.notices) loadNotices(map, data.notices);
  }

  // Outage and works notices (their areas and affected buildings) under the reports.
  function loadNotices(map, url) {
    fetch(url, { headers: { Accept: "application/geo+json" } })
      .then(function (response) { return response.ok ? response.json() : { features: [] }; })
      .then(function (collection) {
        L.geoJSON(collection, {
          style: function () { return { className: "map-notice" }; },
          pointToLayer: function (feature, at) {
            return L.circleMarker(at, { radius: 4, className: "map-notice" });
          },
          onEachFeature: function (feature, layer) {
            var p = feature.properties;
            layer.bindTooltip(label(p.kind_label + ": " + p.title));
            layer.on("click", function () { window.location.assign(p.url); });
          },
        }).addTo(map);
      });
  }

  // Public reports from the GeoJSON API, in clusters when the plugin is on the page.
  function loadReports(map, url) {
    fetch(url, { headers: { Accept: "application/geo+json" } })
      .then(function (response) { return response.ok ? response.json() : { features: [] }; })
      .then(function (collection) {
        var layer = L.markerClusterGroup ? L.markerClusterGroup() : L.layerGroup();
        collection.features.forEach(function (feature) {
          var where = feature.geometry.coordinates;
          var marker = L.circleMarker([where[1], where[0]], { radius: 7, className: "map-point" });
          var p = feature.properties;
          marker.bindTooltip(label(p.number + " · " + p.category.name + " · " + p.status_name));
          if (p.url) {
            marker.on("click", function () { window.location.assign(p.url); });
          }
          layer.addLayer(marker);
        });
        layer.addTo(map);
      });
  }

  // A map to place a pin on: a tap (or the device's location) moves the pin and writes
  // its point into the form's fields, and tells the page (a "pin-moved" event).
  function pickOn(map, fields) {
    var lat = document.getElementById(fields.lat);
    var lon = document.getElementById(fields.lon);
    var pin = null;
    function place(latlng) {
      if (pin) pin.setLatLng(latlng);
      else pin = L.circleMarker(latlng, { radius: 10, className: "map-point map-point-main" }).addTo(map);
      lat.value = latlng.lat.toFixed(6);
      lon.value = latlng.lng.toFixed(6);
      document.body.dispatchEvent(new CustomEvent("pin-moved"));
    }
    if (lat.value && lon.value) place(L.latLng(+lat.value, +lon.value));
    map.on("click", function (event) { place(event.latlng); });
    var locate = document.querySelector("[data-locate]");
    if (locate && navigator.geolocation) {
      locate.hidden = false;
      locate.addEventListener("click", function () {
        navigator.geolocation.getCurrentPosition(function (position) {
          var here = L.latLng(position.coords.latitude, position.coords.longitude);
          map.setView(here, 17);
          place(here);
        });
      });
    }
  }

  function drawAll(root) {
    if (root.matches && root.matches("[data-map]")) draw(root);
    root.querySelectorAll("[data-map]").forEach(draw);
  }

  document.addEventListener("DOMContentLoaded", function () { drawAll(document); });
  document.addEventListener("htmx:load", function (event) { drawAll(event.detail.elt); });
})();
