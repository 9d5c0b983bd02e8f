// The dependencies page's graph: which teams depend on which, drawn by Cytoscape.js from the
// page's JSON data island. The table under it lists the same links for screen readers and
// for anyone without JavaScript.
"use strict";

(function () {
  const island = document.getElementById("dependency-graph-data");
  const container = document.getElementById("dependency-graph");
  if (!island || !container || typeof window.cytoscape !== "function") {
    return;
  }
  const data = JSON.parse(island.textContent);
  // The same colours as the health badges (tandem.css); each edge also says its status in words,
  // and the line style differs, so nothing depends on seeing colour.
  const STATUS = {
    ok: { colour: "#1a7f37", line: "solid" },
    at_risk: { colour: "#9a6700", line: "dashed" },
    off_track: { colour: "#c4231c", line: "solid" },
    done: { colour: "#0b5cad", line: "dotted" },
    cancelled: { colour: "#6e7781", line: "dotted" },
  };
  const elements = [
    ...data.nodes.map((node) => ({ data: { id: node.id, label: node.label } })),
    ...data.edges.map((edge) => ({
      data: {
        id: edge.id,
        source: edge.source,
        target: edge.target,
        label: edge.label,
        colour: (STATUS[edge.status] || STATUS.cancelled).colour,
        line: (STATUS[edge.status] || STATUS.cancelled).line,
        width: Math.min(2 + edge.count, 8),
      },
    })),
  ];
  container.classList.add("graph-ready");
  // A few teams sit on a circle; more (the page draws a bounded number of links unless asked
  // for all) are laid out by force, each group of linked teams apart, in a taller box.
  const many = data.nodes.length > 12;
  if (many) {
    container.style.height = Math.min(60, 24 + data.nodes.length / 4) + "rem";
  }
  const layout = many
    ? { name: "cose", padding: 30, animate: false, randomize: false, componentSpacing: 60,
        nodeRepulsion: () => 40000, idealEdgeLength: () => 140 }
    : { name: data.nodes.length > 2 ? "circle" : "grid", padding: 30 };
  window.cytoscape({
    container: container,
    elements: elements,
    layout: layout,
    minZoom: 0.2,
    maxZoom: 3,
    wheelSensitivity: 0.3,
    style: [
      {
        selector: "node",
        style: {
          label: "data(label)",
          "background-color": "#eaeef2",
          "border-color": "#57606a",
          "border-width": 1,
          color: "#1f2328",
          "font-size": 13,
          "text-valign": "center",
          "text-halign": "center",
          "text-wrap": "wrap",
          "text-max-width": 110,
          shape: "round-rectangle",
          width: 120,
          height: 44,
        },
      },
      {
        selector: "edge",
        style: {
          label: "data(label)",
          "curve-style": "bezier",
          "line-color": "data(colour)",
          "line-style": "data(line)",
          "target-arrow-color": "data(colour)",
          "target-arrow-shape": "triangle",
          width: "data(width)",
          "font-size": 12,
          color: "#1f2328",
          "text-background-color": "#ffffff",
          "text-background-opacity": 0.9,
          "text-background-padding": 2,
          "text-rotation": "autorotate",
        },
      },
    ],
  });
})();
