// Builds the explorer's static assets into the API's wwwroot/explorer: the page, its script and
// style, and Cytoscape.js from node_modules (served by the API itself, never from a CDN).
import { cpSync, mkdirSync, rmSync, writeFileSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createHash } from 'node:crypto';

const here = dirname(fileURLToPath(import.meta.url));
const out = join(here, '..', 'Provenance.Api', 'wwwroot', 'explorer');
rmSync(out, { recursive: true, force: true });
mkdirSync(out, { recursive: true });
for (const file of ['index.html', 'app.js', 'core.js', 'datasets.js', 'protocols.js', 'audit.js', 'overview.js', 'signin.js', 'app.css']) {
  cpSync(join(here, 'src', file), join(out, file));
}
const cytoscape = join(here, 'node_modules', 'cytoscape', 'dist', 'cytoscape.min.js');
cpSync(cytoscape, join(out, 'cytoscape.min.js'));
const version = JSON.parse(readFileSync(join(here, 'node_modules', 'cytoscape', 'package.json'), 'utf8')).version;
const digest = (file) => createHash('sha256').update(readFileSync(join(out, file))).digest('hex');
writeFileSync(join(out, 'build.json'), JSON.stringify({
  cytoscape: version,
  files: Object.fromEntries(['index.html', 'app.js', 'core.js', 'datasets.js', 'protocols.js', 'audit.js', 'overview.js', 'signin.js', 'app.css', 'cytoscape.min.js'].map((f) => [f, digest(f)])),
}, null, 2) + '\n');
console.log(`Built the explorer into ${out} (Cytoscape.js ${version}).`);
