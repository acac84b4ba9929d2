//go:build js && wasm

// Command verifier is the public page's verifier, compiled to WebAssembly
// (GOOS=js GOARCH=wasm) by `cli site`. It runs in a Web Worker (see
// worker.js of examples/site/assets) and exports two functions to
// JavaScript:
//
//	drVerify(files, nowMillis, done)  files: {path: Uint8Array}; calls done(resultJSON)
//	drSelfCheck(id, done)             calls done(answerJSON)
//
// and calls drProgress(step, done, total) while it works. The checks are
// those of package site, which calls publish.Verify: the same code as
// `cli verify`.
package main

import (
	"encoding/json"
	"fmt"
	"io/fs"
	"runtime/debug"
	"syscall/js"
	"testing/fstest"
	"time"

	"github.com/doublerandom/doublerandom/examples/site"
)

var session *site.Session

func main() {
	// The page verifies once and holds little else: no collection until
	// the heap reaches 512 MiB (a county of 10,000 premises needs about
	// 15 MiB, one of a million several hundred), since collections cost
	// more in WebAssembly, on one thread, than natively.
	debug.SetGCPercent(-1)
	debug.SetMemoryLimit(512 << 20)
	js.Global().Set("drVerify", js.FuncOf(verify))
	js.Global().Set("drSelfCheck", js.FuncOf(selfCheck))
	if ready := js.Global().Get("drReady"); ready.Type() == js.TypeFunction {
		ready.Invoke()
	}
	select {}
}

// verify copies the files into Go and verifies them in a goroutine (a
// js.FuncOf callback must not block).
func verify(_ js.Value, args []js.Value) any {
	if len(args) < 3 {
		return "drVerify(files, nowMillis, done)"
	}
	files, now, done := args[0], args[1].Float(), args[2]
	m := fstest.MapFS{}
	keys := js.Global().Get("Object").Call("keys", files)
	for i := range keys.Length() {
		name := keys.Index(i).String()
		src := files.Get(name)
		b := make([]byte, src.Get("length").Int())
		js.CopyBytesToGo(b, src)
		m[name] = &fstest.MapFile{Data: b, Mode: 0o444}
	}
	go func() {
		var out []byte
		func() {
			defer func() {
				if r := recover(); r != nil {
					out = failure(fmt.Sprint(r))
				}
			}()
			var res *site.Result
			session, res = site.Check(fs.FS(m), site.Options{
				Now:      time.UnixMilli(int64(now)),
				Progress: progress,
			})
			out, _ = json.Marshal(res)
		}()
		done.Invoke(string(out))
	}()
	return nil
}

func selfCheck(_ js.Value, args []js.Value) any {
	if len(args) < 2 {
		return "drSelfCheck(id, done)"
	}
	id, done := args[0].String(), args[1]
	go func() {
		var out []byte
		func() {
			defer func() {
				if r := recover(); r != nil {
					out, _ = json.Marshal(&site.SelfCheckAnswer{Status: site.StatusFailed, ID: id, Zh: "内部错误", En: fmt.Sprint(r)})
				}
			}()
			out, _ = json.Marshal(session.SelfCheck(id))
		}()
		done.Invoke(string(out))
	}()
	return nil
}

func progress(step string, done, total int64) {
	if p := js.Global().Get("drProgress"); p.Type() == js.TypeFunction {
		p.Invoke(step, float64(done), float64(total))
	}
}

func failure(msg string) []byte {
	out, _ := json.Marshal(&site.Result{Status: site.StatusFailed, Problems: []site.Finding{{Zh: "核验程序内部错误：" + msg, En: "internal error: " + msg}}})
	return out
}
