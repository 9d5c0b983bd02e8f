// The dashboard's chart: objectives by health for each team, drawn with the vendored Chart.js
// from the JSON island the page carries. The table next to it has the same figures, so the
// chart is a picture of them, not their only home.
(function () {
  "use strict";
  var HEALTH = [
    ["on_track", "On track", "--on-track"],
    ["at_risk", "At risk", "--at-risk"],
    ["off_track", "Off track", "--off-track"],
    ["none", "No data yet", "--none"]
  ];

  // "Customer Success (51% progress)" -> ["Customer", "Success", "(51% progress)"].
  function wrap(label, width) {
    var lines = [];
    label.split(" ").forEach(function (word) {
      var last = lines.length - 1;
      if (last >= 0 && word.charAt(0) !== "(" && (lines[last] + " " + word).length <= width) {
        lines[last] += " " + word;
      } else if (last >= 0 && lines[last].charAt(0) === "(") {
        lines[last] += " " + word;
      } else {
        lines.push(word);
      }
    });
    return lines;
  }

  function draw() {
    var island = document.getElementById("team-chart-data");
    var canvas = document.getElementById("team-chart");
    if (!island || !canvas || typeof window.Chart === "undefined") {
      return;
    }
    var data = JSON.parse(island.textContent);
    var style = getComputedStyle(document.documentElement);
    // Room for every bar: a long list of teams gets a taller chart, not thinner bars.
    var perTeam = canvas.parentElement.clientWidth < 480 ? 3.4 : 2.2; // wrapped labels: taller
    canvas.parentElement.style.height = Math.max(12, data.labels.length * perTeam + 4) + "rem";
    new window.Chart(canvas, {
      type: "bar",
      data: {
        labels: data.labels,
        datasets: HEALTH.map(function (health) {
          return {
            label: health[1],
            data: data.counts[health[0]],
            backgroundColor: style.getPropertyValue(health[2]).trim() || "#6e7781"
          };
        })
      },
      options: {
        indexAxis: "y",
        responsive: true,
        maintainAspectRatio: false,
        animation: false,
        scales: {
          x: { stacked: true, beginAtZero: true, ticks: { precision: 0 },
               title: { display: true, text: "Objectives" } },
          // On a phone a team's name and progress go on short lines of their own, so that
          // the labels fit the axis instead of being cut at the edge.
          y: { stacked: true, ticks: { autoSkip: false, callback: function (value) {
            var label = this.getLabelForValue(value);
            return this.chart.width < 480 ? wrap(label, 14) : label;
          } } }
        },
        plugins: {
          legend: { position: "bottom" },
          tooltip: {
            callbacks: {
              label: function (item) {
                var count = item.parsed.x;
                return item.dataset.label + ": " + count + (count === 1 ? " objective" : " objectives");
              }
            }
          }
        }
      }
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", draw);
  } else {
    draw();
  }
})();
