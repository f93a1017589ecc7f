// The viewer page: the served images, and for one of them a DIIF and a bicubic deep-zoom viewer with
// their zoom and pan locked together. Both read the server's virtual NAME@xZ identifiers, whose
// full-resolution tiles are Z times the source; past that the browser stretches the pixels.
"use strict";

const state = { viewers: [], loaded: [0, 0], failed: [0, 0], image: null, syncing: false };

async function main() {
  const response = await fetch("/images.json");
  const catalog = await response.json();
  document.getElementById("model").textContent = catalog.model;
  const list = document.getElementById("images");
  for (const name of catalog.images) {
    const item = document.createElement("li");
    const link = document.createElement("a");
    link.href = "#" + encodeURIComponent(name);
    link.textContent = name;
    item.appendChild(link);
    list.appendChild(item);
  }
  // #NAME opens an image; #NAME~Z also zooms both viewers to Z times the source at its centre.
  const show = () => {
    const [name, zoom] = decodeURIComponent(location.hash.slice(1)).split("~");
    const wanted = name || catalog.images[0];
    if (wanted && catalog.images.includes(wanted)) {
      open(wanted, catalog);
      if (zoom) {
        // After OpenSeadragon's own first layout (it homes the view once the image is in).
        state.viewers[0].addOnceHandler("open", () => setTimeout(() => {
          const v = state.viewers[0].viewport;
          v.zoomTo(v.imageToViewportZoom(Number(zoom) / catalog.maxZoom), null, true);
        }, 100));
      }
    }
  };
  window.addEventListener("hashchange", show);
  show();
}

function open(name, catalog) {
  state.viewers.forEach(v => v.destroy());
  state.viewers = [];
  state.loaded = [0, 0];
  state.failed = [0, 0];
  state.image = name;
  state.zoom = catalog.maxZoom;
  for (const a of document.querySelectorAll("nav a")) {
    a.classList.toggle("current", a.textContent === name);
  }
  const zoom = catalog.maxZoom;
  const id = encodeURIComponent(name) + "@x" + zoom;
  document.getElementById("diif-title").textContent = "DIIF ×" + zoom + " (" + name + ")";
  document.getElementById("bicubic-title").textContent = "bicubic ×" + zoom;
  const sources = ["/iiif/3/" + id + "/info.json", "/iiif/3/" + id + "-bicubic/info.json"];
  ["diif", "bicubic"].forEach((element, i) => {
    const viewer = OpenSeadragon({
      id: element,
      prefixUrl: "/viewer/openseadragon/images/",
      tileSources: sources[i],
      drawer: "canvas",
      crossOriginPolicy: "Anonymous",
      // Screen pixels per image pixel: the virtual image is already ×maxZoom, so this reaches ×viewerZoom.
      maxZoomPixelRatio: Math.max(1, catalog.viewerZoom / zoom),
      visibilityRatio: 1,
      showNavigator: i === 0,
      animationTime: 0.6,
      immediateRender: false,
    });
    viewer.addHandler("tile-loaded", () => state.loaded[i]++);
    viewer.addHandler("tile-load-failed", () => state.failed[i]++);
    viewer.addHandler("zoom", () => follow(i));
    viewer.addHandler("pan", () => follow(i));
    // The viewer that opens last takes the other's view.
    viewer.addHandler("open", () => follow(1 - i));
    state.viewers.push(viewer);
  });
}

// Zoom and pan locked: whichever viewer moves, the other takes the same viewport at once.
function follow(from) {
  if (state.syncing || state.viewers.length < 2 || !state.viewers.every(v => v.world.getItemCount() > 0)) {
    return;
  }
  state.syncing = true;
  try {
    const source = state.viewers[from].viewport;
    const target = state.viewers[1 - from].viewport;
    target.zoomTo(source.getZoom(), null, true);
    target.panTo(source.getCenter(), true);
  } finally {
    state.syncing = false;
  }
}

function setStatus() {
  const ready = window.diifViewer.ready();
  document.getElementById("status").textContent = ready ? "tiles loaded" : "loading…";
}

// For tests and the curious: whether both viewers have all tiles of the current view, and their pixels.
window.diifViewer = {
  state,
  ready() {
    return state.viewers.length === 2 && state.viewers.every(v => {
      const item = v.world.getItemAt(0);
      return item && item.getFullyLoaded() && v.viewport.getZoom() === v.viewport.getZoom(true);
    });
  },
  // Screen pixels per source pixel in the DIIF viewer (the virtual image is ×maxZoom the source).
  sourceZoom() {
    const v = state.viewers[0];
    return v.viewport.viewportToImageZoom(v.viewport.getZoom(true)) * state.zoom;
  },
  canvases() {
    const out = state.viewers.map(v => {
      const c = v.drawer.canvas;
      const data = c.getContext("2d").getImageData(0, 0, c.width, c.height).data;
      let sum = 0, sq = 0;
      for (let i = 0; i < data.length; i += 4) {
        const g = (data[i] + data[i + 1] + data[i + 2]) / 3;
        sum += g;
        sq += g * g;
      }
      const n = data.length / 4;
      const mean = sum / n;
      return { width: c.width, height: c.height, mean, std: Math.sqrt(Math.max(0, sq / n - mean * mean)), data };
    });
    let diff = 0;
    const [a, b] = out;
    const n = Math.min(a.data.length, b.data.length);
    for (let i = 0; i < n; i += 4) {
      diff += Math.abs(a.data[i] - b.data[i]) + Math.abs(a.data[i + 1] - b.data[i + 1])
        + Math.abs(a.data[i + 2] - b.data[i + 2]);
    }
    return {
      diif: { width: a.width, height: a.height, mean: a.mean, std: a.std },
      bicubic: { width: b.width, height: b.height, mean: b.mean, std: b.std },
      meanAbsDiff: diff / (3 * n / 4),
      zoom: [state.viewers[0].viewport.getZoom(true), state.viewers[1].viewport.getZoom(true)],
      tilesLoaded: state.loaded.slice(), tilesFailed: state.failed.slice(),
    };
  },
};

setInterval(setStatus, 500);
main().catch(e => { document.getElementById("status").textContent = "error: " + e; });
