// Bundles the extension into one file (dist/extension.js); `vscode` is provided by the editor at run time.
import * as esbuild from "esbuild";

const watch = process.argv.includes("--watch");
const production = !watch;

const options = {
  entryPoints: ["src/extension.ts"],
  bundle: true,
  outfile: "dist/extension.js",
  external: ["vscode"],
  format: "cjs",
  platform: "node",
  target: "node20",
  sourcemap: production ? false : "inline",
  minify: production,
  keepNames: true,
  logLevel: "warning",
  metafile: true,
};

if (watch) {
  const ctx = await esbuild.context(options);
  await ctx.watch();
  console.log("esbuild: watching…");
} else {
  const result = await esbuild.build(options);
  const bytes = Object.values(result.metafile.outputs).reduce((sum, o) => sum + o.bytes, 0);
  console.log(`esbuild: dist/extension.js ${(bytes / 1024).toFixed(1)} KiB`);
}
