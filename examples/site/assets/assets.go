// Package assets holds the files of the public page that `cli site`
// writes next to the bundle: index.html (Chinese, with English lines),
// style.css, app.js (the page) and worker.js (runs the WebAssembly
// verifier in a Web Worker, so that the page stays responsive and shows
// progress on large counties). They load nothing from elsewhere: no CDN,
// no font, no analytics; every URL is relative to index.html.
package assets

import "embed"

// Files are the page's files, at the root of the folder.
//
//go:embed index.html style.css app.js worker.js
var Files embed.FS

// Names lists the files of Files.
var Names = []string{"index.html", "style.css", "app.js", "worker.js"}
