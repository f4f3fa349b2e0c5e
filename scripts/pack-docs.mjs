#!/usr/bin/env node
/**
 * Ships the documentation a package's README links to inside its tarball, so the links work for a
 * user who installed the package (a tarball holds only the package folder, not ../../docs).
 *
 *   node ../../scripts/pack-docs.mjs prepack    copy linked docs into ./docs, rewrite the links
 *   node ../../scripts/pack-docs.mjs postpack   put the README back, remove ./docs
 *
 * Run from a package folder by its `prepack`/`postpack` scripts (pnpm and npm run both around
 * `pack` and `publish`). The docs shipped are every repository doc the README links to, the docs
 * those link to, and so on, plus the ones the package's code names in messages
 * (`"ballast": { "docs": [...] }` in its package.json; core resolves them with `docPath`).
 * A relative link to anything else outside the package (the root README, another package) is
 * refused: it would be dead once installed.
 */
import {
  cpSync,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';

const pkgDir = process.cwd();
const repoDocs = resolve(pkgDir, '../../docs');
const shippedDocs = join(pkgDir, 'docs');
const readme = join(pkgDir, 'README.md');
const saved = join(pkgDir, '.README.repo.md');

/** Markdown inline links and images: `](target)`, with an optional "title". */
const LINK = /\]\(([^)\s]+)(\s+"[^"]*")?\)/g;

function isExternal(target) {
  return /^[a-z][a-z0-9+.-]*:/i.test(target) || target.startsWith('#');
}

function inside(dir, path) {
  const rel = relative(dir, path);
  return rel === '' || (!rel.startsWith('..') && !rel.startsWith(sep) && rel !== '..');
}

/** Every markdown file under `path` (a file, or a folder linked as a whole such as docs/rules/). */
function markdownFiles(path) {
  if (!statSync(path).isDirectory()) return [path];
  return readdirRecursive(path).filter((f) => f.endsWith('.md'));
}

function readdirRecursive(dir) {
  const out = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const full = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...readdirRecursive(full));
    else out.push(full);
  }
  return out;
}

function fail(message) {
  console.error(`pack-docs: ${message}`);
  process.exit(1);
}

/** The repository docs reachable from `start` (absolute paths under ../../docs). */
function docsToShip(start, extra) {
  const wanted = new Set(extra.map((d) => resolve(repoDocs, d)));
  const queue = [...wanted];
  const readmeText = readFileSync(start, 'utf8');
  for (const target of linksOf(readmeText)) {
    const abs = resolve(pkgDir, target);
    if (inside(pkgDir, abs)) continue;
    if (!inside(repoDocs, abs)) {
      fail(
        `README.md links to ${target}, outside the package and outside docs/: an installed user ` +
          'cannot follow it. Link to a doc under docs/ or write the text in this README.',
      );
    }
    if (!wanted.has(abs)) {
      wanted.add(abs);
      queue.push(abs);
    }
  }
  while (queue.length > 0) {
    const path = queue.shift();
    if (!existsSync(path)) fail(`${relative(pkgDir, path)} is linked but does not exist`);
    for (const file of markdownFiles(path)) {
      for (const target of linksOf(readFileSync(file, 'utf8'))) {
        const abs = resolve(dirname(file), target);
        if (!inside(repoDocs, abs)) {
          fail(
            `${relative(repoDocs, file)} links to ${target}, outside docs/: it would be dead once installed`,
          );
        }
        if (!wanted.has(abs)) {
          wanted.add(abs);
          queue.push(abs);
        }
      }
    }
  }
  return [...wanted];
}

/** Relative link targets, without their #fragment. */
function linksOf(markdown) {
  const out = [];
  for (const m of markdown.matchAll(LINK)) {
    const target = m[1];
    if (isExternal(target)) continue;
    const path = target.split('#')[0];
    if (path !== '') out.push(path);
  }
  return out;
}

function prepack() {
  if (existsSync(saved))
    fail(`${saved} exists: a previous pack did not finish; restore README.md from it first`);
  if (existsSync(shippedDocs))
    fail(`${shippedDocs} exists: remove it (it is made by this script at pack time)`);
  const manifest = JSON.parse(readFileSync(join(pkgDir, 'package.json'), 'utf8'));
  const docs = docsToShip(readme, manifest.ballast?.docs ?? []);
  if (docs.length === 0) return;
  for (const doc of docs) {
    const target = join(shippedDocs, relative(repoDocs, doc));
    mkdirSync(dirname(target), { recursive: true });
    cpSync(doc, target, { recursive: true });
  }
  const text = readFileSync(readme, 'utf8');
  const rewritten = text.replace(LINK, (whole, target, title = '') => {
    if (isExternal(target)) return whole;
    const [path, fragment] = target.split('#');
    const abs = resolve(pkgDir, path);
    if (!inside(repoDocs, abs)) return whole;
    const local = relative(pkgDir, join(shippedDocs, relative(repoDocs, abs)))
      .split(sep)
      .join('/');
    const slash = path.endsWith('/') ? '/' : '';
    return `](${local}${slash}${fragment === undefined ? '' : `#${fragment}`}${title})`;
  });
  renameSync(readme, saved);
  writeFileSync(readme, rewritten);
  console.error(`pack-docs: shipping ${docs.length} doc path(s) in docs/, README links rewritten`);
}

function postpack() {
  if (existsSync(saved)) renameSync(saved, readme);
  rmSync(shippedDocs, { recursive: true, force: true });
}

const step = process.argv[2];
if (step === 'prepack') prepack();
else if (step === 'postpack') postpack();
else fail(`usage: pack-docs.mjs prepack|postpack (got ${step ?? 'nothing'})`);
