// Builds widget/dist/wegwijs-widget.js: one self-contained, minified file (IIFE) with
// socket.io-client inside, so a website needs one <script> tag and no npm at run time.
import { build } from "esbuild";
import { readFileSync } from "node:fs";

const pkg = JSON.parse(readFileSync(new URL("./package.json", import.meta.url)));
const sio = JSON.parse(readFileSync(new URL("./node_modules/socket.io-client/package.json", import.meta.url)));

// Optional argument: another output file (the test checks that dist/ matches src/).
const outfile = process.argv[2] || "dist/wegwijs-widget.js";

await build({
  entryPoints: ["src/index.js"],
  outfile,
  bundle: true,
  minify: true,
  format: "iife",
  target: ["es2020"],
  legalComments: "eof",
  banner: {
    js: `/*! Wegwijs widget ${pkg.version} (MIT); includes socket.io-client ${sio.version} (MIT) */`,
  },
  logLevel: process.argv[2] ? "warning" : "info",
});
