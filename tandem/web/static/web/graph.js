// The dependencies page's graph: which teams depend on which, drawn by Cytoscape.js from the
// page's JSON data island. The table under it lists the same links for screen readers and
// for anyone without JavaScript.
"use strict";

(function () {
  // On a narrow screen (tandem.css's breakpoint) the table of links, stacked as cards, takes
  // the graph's place: a graph of readable size does not fit 375 px.
  const narrow = window.matchMedia("(max-width: 40rem)");
  // The same colours as the health badges (tandem.css); each edge also says its status in words,
  // and the line style differs, so nothing depends on seeing colour.
  const STATUS = {
    ok: { colour: "#1a7f37", line: "solid" },
    at_risk: { colour: "#9a6700", line: "dashed" },
    off_track: { colour: "#c4231c", line: "solid" },
    done: { colour: "#0b5cad", line: "dotted" },
    cancelled: { colour: "#6e7781", line: "dotted" },
  };

  function draw() {
    const island = document.getElementById("dependency-graph-data");
    const container = document.getElementById("dependency-graph");
    if (!island || !container || typeof window.cytoscape !== "function") {
      return;
    }
    if (narrow.matches || container.dataset.drawn) {
      return;
    }
    container.dataset.drawn = "yes";
    const data = JSON.parse(island.textContent);
    const elements = [
      ...data.nodes.map((node) => ({ data: { id: node.id, label: node.label, href: node.href } })),
      ...data.edges.map((edge) => ({
        data: {
          id: edge.id,
          source: edge.source,
          target: edge.target,
          label: edge.label,
          href: edge.href,
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
      ? { name: "cose", padding: 30, animate: false, randomize: false, componentSpacing: 80,
          nodeRepulsion: () => 60000, idealEdgeLength: () => 180 }
      : { name: data.nodes.length > 2 ? "circle" : "grid", padding: 20 };
    const graph = window.cytoscape({
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
            "font-size": 16,
            "text-valign": "center",
            "text-halign": "center",
            "text-wrap": "wrap",
            "text-max-width": 140,
            shape: "round-rectangle",
            width: 150,
            height: 52,
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
            // Horizontal labels on a white ground: read without tilting one's head.
            "font-size": 15,
            color: "#1f2328",
            "text-rotation": "none",
            "text-background-color": "#ffffff",
            "text-background-opacity": 1,
            "text-background-padding": 3,
            "text-border-color": "#d0d7de",
            "text-border-width": 1,
            "text-border-opacity": 1,
            "text-events": "yes", // a click on the label follows the link too
          },
        },
      ],
    });
    // Below a readable size, labels would be specks: zoom in on the middle instead (pan and
    // zoom to see the rest).
    if (graph.zoom() < 0.8) {
      graph.zoom({ level: 0.8, renderedPosition: { x: container.clientWidth / 2, y: container.clientHeight / 2 } });
    }
    // A team goes to its page, a link to its row in the table (which names its requests).
    graph.on("tap", "node, edge", (event) => {
      const href = event.target.data("href");
      if (href) {
        window.location.assign(href);
      }
    });
    graph.on("mouseover", "node, edge", () => container.classList.add("graph-pointer"));
    graph.on("mouseout", "node, edge", () => container.classList.remove("graph-pointer"));
  }

  draw();
  // Widening the window past the breakpoint draws the graph it left out.
  narrow.addEventListener("change", draw);
  // An answer given in place brings the graph's section back (tandem.js, htmx out of band).
  document.addEventListener("htmx:afterSettle", draw);
})();
