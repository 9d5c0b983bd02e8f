// Key result charts on the objective page: check-in values against the planned path (or the
// threshold), and confidence on a second axis. Each chart reads its data from a JSON data
// island (<script type="application/json" id="chart-data-...">) next to its canvas; the
// table under each chart holds the same data for those who do not see the chart.
"use strict";

(function () {
  const DAY = 24 * 60 * 60 * 1000;
  const dayOf = (iso) => Date.parse(iso + "T00:00:00Z");
  const isoOf = (ms) => new Date(ms).toISOString().slice(0, 10);
  const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
  const shortOf = (ms) => { const d = new Date(ms); return d.getUTCDate() + " " + MONTHS[d.getUTCMonth()]; };
  // A phone's chart (under 480 px) gets short, level date labels, fewer of them, and shorter
  // axis titles, so that none is cut at the edge.
  const NARROW = 480;

  function colour(name, fallback) {
    const value = getComputedStyle(document.documentElement).getPropertyValue(name).trim();
    return value || fallback;
  }

  function draw(canvas) {
    if (canvas.dataset.drawn || typeof window.Chart === "undefined") return;
    const island = document.getElementById(canvas.dataset.chart);
    if (!island) return;
    const data = JSON.parse(island.textContent);
    canvas.dataset.drawn = "yes";
    const ink = colour("--link", "#0b5cad");
    const muted = colour("--muted", "#57606a");
    const confidence = colour("--at-risk", "#9a6700");
    const datasets = [];
    if (data.label) {
      datasets.push({
        label: data.label + (data.unit ? " (" + data.unit + ")" : ""),
        data: data.points.filter((p) => p.value !== null).map((p) => ({ x: dayOf(p.date), y: p.value })),
        borderColor: ink, backgroundColor: ink, pointRadius: 3, tension: 0, yAxisID: "y",
      });
      datasets.push({
        label: data.plan_label,
        data: data.plan.map((p) => ({ x: dayOf(p.date), y: p.value })),
        borderColor: muted, borderDash: [6, 4], pointRadius: 0, borderWidth: 1.5, yAxisID: "y",
      });
      if (data.forecast && data.forecast.length) {
        // Dotted: where the trend of the check-ins lands at the cycle's end.
        datasets.push({
          label: "Forecast (if the trend holds)",
          data: data.forecast.map((p) => ({ x: dayOf(p.date), y: p.value })),
          borderColor: ink, borderDash: [2, 4], pointRadius: 0, borderWidth: 2, yAxisID: "y",
        });
      }
    }
    datasets.push({
      label: "Confidence (0–10)",
      data: data.points.filter((p) => p.confidence !== null).map((p) => ({ x: dayOf(p.date), y: p.confidence })),
      borderColor: confidence, backgroundColor: confidence, pointStyle: "triangle", pointRadius: 4,
      borderWidth: 1, stepped: "before", yAxisID: data.label ? "confidence" : "y",
    });
    const scales = {
      x: {
        type: "linear", min: dayOf(data.start), max: dayOf(data.end),
        ticks: {
          callback: function (value) { return this.chart.width < NARROW ? shortOf(value) : isoOf(value); },
          maxTicksLimit: 6, stepSize: 7 * DAY, maxRotation: 0, autoSkipPadding: 8,
        },
        // Room for the first and last labels, centred on the cycle's first and last days.
        offset: false,
      },
      y: data.label ? { title: { display: true, text: data.unit || data.label } } : { min: 0, max: 10, title: { display: true, text: "Confidence" } },
    };
    if (data.label) {
      scales.confidence = { position: "right", min: 0, max: 10, grid: { drawOnChartArea: false }, title: { display: true, text: "Confidence" } };
    }
    const narrow = canvas.parentElement.clientWidth < NARROW;
    if (narrow) {
      scales.x.ticks.maxTicksLimit = 4;
      if (scales.confidence) {
        scales.confidence.title.display = false; // the legend says "Confidence (0–10)"
      }
    }
    new window.Chart(canvas, {
      type: "line",
      data: { datasets },
      options: {
        responsive: true, maintainAspectRatio: false, animation: false,
        interaction: { mode: "nearest", intersect: false },
        plugins: {
          legend: { position: "bottom", labels: { boxWidth: 12, font: { size: narrow ? 11 : 12 } } },
          tooltip: { callbacks: { title: (items) => (items.length ? isoOf(items[0].parsed.x) : "") } },
        },
        scales,
        layout: { padding: { left: 4, right: narrow ? 12 : 4 } },
      },
    });
  }

  function drawAll(root) {
    (root || document).querySelectorAll("canvas[data-chart]").forEach(draw);
  }

  document.addEventListener("DOMContentLoaded", () => drawAll(document));
  // A check-in answered in place brings a new card, and with it a new canvas.
  document.addEventListener("htmx:load", (event) => drawAll(event.target));
})();
