// kpilot's pages: what runs in the browser. Everything a page says is in its HTML; this only draws the charts
// whose Vega-Lite specs the server wrote next to them (a <script type="application/json"> after each [data-spark]).
// Without JavaScript, or before the vendor scripts load, the numbers are all there as text.
"use strict";

function drawCharts(root) {
  if (typeof vegaEmbed !== "function") {
    return;
  }
  for (const place of root.querySelectorAll("[data-spark]:not([data-drawn])")) {
    const source = place.nextElementSibling;
    if (!source || source.type !== "application/json") {
      continue;
    }
    place.setAttribute("data-drawn", "");
    vegaEmbed(place, JSON.parse(source.textContent), { actions: false, renderer: "svg" }).catch(() => {
      place.removeAttribute("data-drawn");
    });
  }
}

document.addEventListener("DOMContentLoaded", () => drawCharts(document));
