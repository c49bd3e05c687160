// Copies the release podsec-lsp binary into server/ for `vsce package` (run by vscode:prepublish).
// The vsix is built for linux-x64, so anything else would be an extension that cannot start.
'use strict';
const fs = require('node:fs');
const path = require('node:path');

const root = path.resolve(__dirname, '..');
const source = process.env.PODSEC_LSP_PATH || path.resolve(root, '../../target/release/podsec-lsp');
const target = path.join(root, 'server', 'podsec-lsp');

function fail(message) {
  console.error(`bundle-server: ${message}`);
  process.exit(1);
}

if (!fs.existsSync(source)) {
  fail(`no server binary at ${source}. Run \`cargo build --release\` in the repository root, or set PODSEC_LSP_PATH to the binary.`);
}
// An ELF header for a 64-bit x86-64 executable: magic, class 2 (64-bit), e_machine 62 (x86-64).
const header = Buffer.alloc(20);
const fd = fs.openSync(source, 'r');
fs.readSync(fd, header, 0, header.length, 0);
fs.closeSync(fd);
if (header.readUInt32BE(0) !== 0x7f454c46 || header[4] !== 2 || header.readUInt16LE(18) !== 62) {
  fail(`${source} is not a linux-x64 executable, but the vsix is packaged for linux-x64.`);
}

fs.mkdirSync(path.dirname(target), { recursive: true });
fs.copyFileSync(source, target);
fs.chmodSync(target, 0o755);
console.log(`bundle-server: ${source} -> ${path.relative(root, target)} (${fs.statSync(target).size} bytes)`);
