package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"os"
	"os/exec"
	"path"
	"path/filepath"
	"slices"
	"strings"
	"testing/fstest"

	"github.com/doublerandom/doublerandom/examples/site"
	"github.com/doublerandom/doublerandom/examples/site/assets"
	"github.com/doublerandom/doublerandom/publish"
)

// verifierPackage is the WebAssembly main of the page.
const verifierPackage = "github.com/doublerandom/doublerandom/examples/site/verifier"

// runSite writes SITE: index.html and its scripts, the bundle's files,
// the verifier keys, files.json (the list the page fetches), the verifier
// compiled to WebAssembly and the Go distribution's wasm_exec.js. It
// verifies the bundle first (the same checks the page makes) and writes
// nothing when it fails. It builds the verifier with the go command
// (GOOS=js GOARCH=wasm go build -trimpath -ldflags="-s -w"), so it must
// run inside this module, as `go run ./examples/cli site` does; --wasm
// gives a verifier built already.
func runSite(fs *flag.FlagSet, args []string, stdout io.Writer) error {
	bundle := fs.String("bundle", "", "the public bundle (written by the bundle command)")
	out := fs.String("out", "", "the site folder to write; must not exist or be empty")
	var pubs listFlag
	fs.Var(&pubs, "pub", "verifier key file (PREFIX.pub) whose key must have signed every document, repeatable (also read: BUNDLE/keys/*.pub)")
	var witnesses listFlag
	fs.Var(&witnesses, "witness", "a witness's verifier key file (W.pub from witness keygen) whose cosignatures the page counts, repeatable; the page then proves each announcement came before its seed event")
	quorum := fs.Int("quorum", 1, "how many distinct witnesses must have cosigned for a time to count, with --witness")
	wasm := fs.String("wasm", "", "a verifier.wasm built already by the go command on PATH (default: build it; wasm_exec.js comes from that Go)")
	if err := parse(fs, args); err != nil {
		return err
	}
	if *bundle == "" || *out == "" {
		return usagef("--bundle and --out are required")
	}
	if err := checkEmptyDir("--out", *out); err != nil {
		return err
	}
	if len(witnesses) == 0 && *quorum != 1 {
		return usagef("--quorum needs --witness")
	}
	if len(witnesses) > 0 && (*quorum < 1 || *quorum > len(witnesses)) {
		return usagef("--quorum %d: want 1 to %d (the number of --witness keys)", *quorum, len(witnesses))
	}
	files, err := siteFiles(*bundle, pubs)
	if err != nil {
		return err
	}
	if files, err = siteWitnessFiles(files, witnesses, *quorum); err != nil {
		return err
	}
	if !slices.ContainsFunc(files, func(f siteFile) bool { return strings.HasPrefix(f.path, site.KeysDir+"/") }) {
		return usagef("no verifier key: give --pub with the agency's key (or put it in %s)", filepath.Join(*bundle, "keys"))
	}
	// Verify first, from the files as the page will fetch them.
	mem := memFS(files)
	_, res := site.Check(mem, site.Options{})
	if res.Status != site.StatusVerified {
		msg := fmt.Sprintf("%s does not verify; not publishing it:", *bundle)
		for _, p := range res.Problems {
			msg += "\n  " + p.En
		}
		return &mismatchError{msg: msg}
	}
	var wasmBytes []byte
	if *wasm != "" {
		if wasmBytes, err = os.ReadFile(*wasm); err != nil {
			return err
		}
	} else if wasmBytes, err = buildVerifier(); err != nil {
		return err
	}
	execJS, err := wasmExecJS()
	if err != nil {
		return err
	}
	manifest := struct {
		Files []site.ManifestFile `json:"files"`
	}{}
	for _, f := range files {
		manifest.Files = append(manifest.Files, site.ManifestFile{Path: f.path, Size: int64(len(f.data))})
	}
	mb, err := json.MarshalIndent(manifest, "", " ")
	if err != nil {
		return err
	}
	files = append(files, siteFile{site.Manifest, append(mb, '\n')}, siteFile{"verifier.wasm", wasmBytes}, siteFile{"wasm_exec.js", execJS})
	for _, name := range assets.Names {
		b, err := assets.Files.ReadFile(name)
		if err != nil {
			return err
		}
		files = append(files, siteFile{name, b})
	}
	for _, f := range files {
		p := filepath.Join(*out, filepath.FromSlash(f.path))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			return err
		}
		if err := os.WriteFile(p, f.data, 0o644); err != nil {
			return err
		}
	}
	fmt.Fprintf(stdout, "wrote %s: %d files, verifier.wasm %.1f MB; %s: %d documents verified\n", *out, len(files), float64(len(wasmBytes))/(1<<20), res.Ledger, res.Documents)
	fmt.Fprintf(stdout, "publish the folder as it is on any static web server (e.g. python3 -m http.server -d %s) and open index.html\n", *out)
	return nil
}

type siteFile struct {
	path string // slash-separated, relative to the site folder
	data []byte
}

// siteFiles collects the bundle's files (under bundle/) and the keys
// (under keys/), in path order.
func siteFiles(bundle string, pubs []string) ([]siteFile, error) {
	var files []siteFile
	if _, err := publish.OpenBundle(os.DirFS(bundle)); err != nil {
		return nil, fmt.Errorf("--bundle %s: %w", bundle, err)
	}
	err := filepath.WalkDir(bundle, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, err := filepath.Rel(bundle, p)
		if err != nil {
			return err
		}
		rel = filepath.ToSlash(rel)
		name := d.Name()
		switch {
		case d.IsDir():
			return nil
		case name == "lock" || strings.HasPrefix(name, ".tmp-"):
			return nil // a ledger's lock file and leftovers are not published
		case !d.Type().IsRegular():
			return fmt.Errorf("--bundle: %s is not a regular file", p)
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		if k, ok := strings.CutPrefix(rel, "keys/"); ok {
			files = append(files, siteFile{site.KeysDir + "/" + k, b})
			return nil
		}
		files = append(files, siteFile{site.BundleDir + "/" + rel, b})
		return nil
	})
	if err != nil {
		return nil, err
	}
	for _, f := range pubs {
		v, err := publish.LoadVerifier(f)
		if err != nil {
			return nil, err
		}
		b, err := os.ReadFile(f)
		if err != nil {
			return nil, err
		}
		name := path.Join(site.KeysDir, keyFileName(v.Name()))
		if slices.ContainsFunc(files, func(x siteFile) bool { return x.path == name }) {
			continue
		}
		files = append(files, siteFile{name, b})
	}
	slices.SortFunc(files, func(a, b siteFile) int { return strings.Compare(a.path, b.path) })
	return files, nil
}

// siteWitnessFiles adds the witness keys (under witnesses/) and, when
// it is not 1, the quorum (witnesses/quorum) to the site's files.
func siteWitnessFiles(files []siteFile, witnesses []string, quorum int) ([]siteFile, error) {
	for _, f := range witnesses {
		w, err := publish.LoadCosignatureVerifier(f)
		if err != nil {
			return nil, err
		}
		name := path.Join(site.WitnessesDir, keyFileName(fmt.Sprintf("%s+%08x", w.Name(), w.KeyHash())))
		if slices.ContainsFunc(files, func(x siteFile) bool { return x.path == name }) {
			return nil, usagef("--witness %s: the same key given twice", f)
		}
		files = append(files, siteFile{name, []byte(w.Key() + "\n")})
	}
	if len(witnesses) > 0 && quorum != 1 {
		files = append(files, siteFile{site.QuorumFile, fmt.Appendf(nil, "%d\n", quorum)})
	}
	slices.SortFunc(files, func(a, b siteFile) int { return strings.Compare(a.path, b.path) })
	return files, nil
}

// keyFileName turns a key name ("example.gov.cn/wjw", "纪检监察组") into a
// file name that any web server serves: the name's ASCII letters and
// digits, and its hex for the rest.
func keyFileName(name string) string {
	var b strings.Builder
	for _, r := range name {
		switch {
		case r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z', r >= '0' && r <= '9', r == '.', r == '-':
			b.WriteRune(r)
		default:
			fmt.Fprintf(&b, "_%x", r)
		}
	}
	return b.String() + ".pub"
}

// memFS is the site's files as an fs.FS, the way the page sees them.
func memFS(files []siteFile) fs.FS {
	m := fstest.MapFS{}
	for _, f := range files {
		m[f.path] = &fstest.MapFile{Data: f.data, Mode: 0o444}
	}
	return m
}

// checkEmptyDir refuses a folder that exists and holds something.
func checkEmptyDir(flagName, dir string) error {
	entries, err := os.ReadDir(dir)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("%s %s: %v", flagName, dir, err)
	}
	if len(entries) > 0 {
		return fmt.Errorf("%s %s: the folder exists and is not empty; refusing to write into it", flagName, dir)
	}
	return nil
}

// goCommand returns the go command: the one on PATH.
func goCommand() (string, error) {
	g, err := exec.LookPath("go")
	if err != nil {
		return "", fmt.Errorf("the go command is needed to build the verifier (or give --wasm): %v", err)
	}
	return g, nil
}

// buildVerifier compiles the page's verifier to WebAssembly with the go
// command, from the module the current folder is in.
func buildVerifier() ([]byte, error) {
	g, err := goCommand()
	if err != nil {
		return nil, err
	}
	tmp, err := os.MkdirTemp("", "site-wasm-")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(tmp)
	out := filepath.Join(tmp, "verifier.wasm")
	cmd := exec.Command(g, "build", "-trimpath", "-ldflags=-s -w", "-o", out, verifierPackage)
	cmd.Env = append(os.Environ(), "GOOS=js", "GOARCH=wasm", "CGO_ENABLED=0")
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Run(); err != nil {
		return nil, fmt.Errorf("building the verifier (GOOS=js GOARCH=wasm go build %s) failed; run cli site inside the doublerandom module, or give --wasm: %v\n%s", verifierPackage, err, stderr.String())
	}
	return os.ReadFile(out)
}

// wasmExecJS returns the wasm_exec.js of the Go distribution, which the
// verifier built by it needs.
func wasmExecJS() ([]byte, error) {
	g, err := goCommand()
	if err != nil {
		return nil, err
	}
	root, err := exec.Command(g, "env", "GOROOT").Output()
	if err != nil {
		return nil, fmt.Errorf("go env GOROOT: %v", err)
	}
	r := strings.TrimSpace(string(root))
	for _, p := range []string{filepath.Join(r, "lib", "wasm", "wasm_exec.js"), filepath.Join(r, "misc", "wasm", "wasm_exec.js")} {
		if b, err := os.ReadFile(p); err == nil {
			return b, nil
		}
	}
	return nil, fmt.Errorf("no wasm_exec.js under %s (lib/wasm or misc/wasm)", r)
}
