// The verifier's worker: loads wasm_exec.js and verifier.wasm (this
// module's own Go code), fetches the published files listed in
// files.json (same origin, relative URLs), and runs the checks off the
// page's thread, posting progress and the results back to app.js.
'use strict';
importScripts('wasm_exec.js');

let readyResolve;
const ready = new Promise((r) => { readyResolve = r; });
self.drReady = () => readyResolve();
self.drProgress = (step, done, total) => postMessage({ type: 'progress', step, done, total });

async function loadWasm() {
  const go = new Go();
  let instance = null;
  // Streaming compilation lets the browser cache the compiled code for
  // the next visit; a server that does not send application/wasm gets
  // the plain path.
  if (WebAssembly.instantiateStreaming) {
    try {
      const resp = await fetch('verifier.wasm');
      if (!resp.ok) throw new Error('verifier.wasm: HTTP ' + resp.status);
      instance = (await WebAssembly.instantiateStreaming(resp, go.importObject)).instance;
    } catch (err) {
      if (String(err).indexOf('HTTP') >= 0) throw err;
    }
  }
  if (!instance) {
    const resp = await fetch('verifier.wasm');
    if (!resp.ok) throw new Error('verifier.wasm: HTTP ' + resp.status);
    instance = (await WebAssembly.instantiate(await resp.arrayBuffer(), go.importObject)).instance;
  }
  go.run(instance);
  await ready;
}

async function fetchAll() {
  const resp = await fetch('files.json');
  if (!resp.ok) throw new Error('files.json: HTTP ' + resp.status);
  const manifest = await resp.json();
  const list = manifest.files || [];
  const total = list.reduce((s, f) => s + (f.size || 0), 0);
  let done = 0;
  const files = {};
  let next = 0;
  async function one() {
    while (next < list.length) {
      const f = list[next++];
      const r = await fetch(f.path.split('/').map(encodeURIComponent).join('/'));
      if (!r.ok) throw new Error(f.path + ': HTTP ' + r.status);
      files[f.path] = new Uint8Array(await r.arrayBuffer());
      done += f.size || 0;
      postMessage({ type: 'progress', step: 'fetch', done, total, files: Object.keys(files).length, count: list.length });
    }
  }
  await Promise.all([one(), one(), one(), one()]);
  return files;
}

onmessage = async (e) => {
  const m = e.data;
  try {
    if (m.type === 'verify') {
      postMessage({ type: 'progress', step: 'start' });
      const [, files] = await Promise.all([loadWasm(), fetchAll()]);
      self.drVerify(files, Date.now(), (json) => postMessage({ type: 'result', json }));
    } else if (m.type === 'selfcheck') {
      self.drSelfCheck(m.id, (json) => postMessage({ type: 'selfcheck', json }));
    }
  } catch (err) {
    postMessage({ type: 'error', message: String(err && err.message ? err.message : err) });
  }
};
