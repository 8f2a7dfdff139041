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

// Live updates (docs/dashboard.md#live-updates): htmx swaps in the cards fetched again after new data; their charts
// are drawn as on the first load (drawCharts skips those already drawn).
document.addEventListener("htmx:afterSettle", () => drawCharts(document));

// ---- The KPI pages (server.web.kpi_page): the history and the breakdown charts ([data-kpi-chart], the spec in the
// <script type="application/json"> after each). A bar is a link (Vega-Lite's `href`): clicking it opens the page
// filtered by its value in this tab, as the table's links do without JavaScript.
function drawKpiCharts(root) {
  if (typeof vegaEmbed !== "function") {
    return;
  }
  for (const place of root.querySelectorAll("[data-kpi-chart]:not([data-drawn])")) {
    const source = place.nextElementSibling;
    if (!source || source.type !== "application/json") {
      continue;
    }
    place.setAttribute("data-drawn", "");
    const options = { actions: false, renderer: "svg", loader: { target: "_self" } };
    vegaEmbed(place, JSON.parse(source.textContent), options).catch(() => {
      place.removeAttribute("data-drawn");
    });
  }
}

document.addEventListener("DOMContentLoaded", () => drawKpiCharts(document));

// ---- Boards in TV mode (server.web.tv): the next board after `data-tv-every` seconds, and a button that pauses the
// rotation and starts it again (WCAG 2.2.1: a page that moves on by itself can be stopped). Without JavaScript a
// <noscript> meta refresh moves on instead, and the button stays hidden.
function rotateTv(root) {
  const next = root.querySelector("[data-tv-next]");
  if (!next) {
    return;
  }
  const seconds = Number(next.getAttribute("data-tv-every")) || 30;
  const button = next.querySelector("[data-tv-pause]");
  let timer = null;
  const start = () => {
    timer = window.setTimeout(() => window.location.assign(next.getAttribute("data-tv-next")), seconds * 1000);
  };
  start();
  if (button) {
    button.hidden = false;
    button.addEventListener("click", () => {
      const paused = timer === null;
      if (paused) {
        start();
      } else {
        window.clearTimeout(timer);
        timer = null;
      }
      button.setAttribute("aria-pressed", paused ? "false" : "true");
    });
  }
}

document.addEventListener("DOMContentLoaded", () => rotateTv(document));
