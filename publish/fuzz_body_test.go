package publish

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// FuzzParseBody feeds arbitrary bodies, of every kind (withdrawals and
// seals included), to ParseBody. Nothing panics; every error is a
// *DocumentError matching ErrMalformed; a body nested deeper than
// MaxJSONDepth is always refused; an accepted withdrawal, seal or
// results body encodes back to a body that parses to the same value;
// a draw's nonce, when present, is 32 bytes.
func FuzzParseBody(f *testing.F) {
	for _, k := range allKinds {
		f.Add(string(k), []byte("{}\n"))
	}
	w, err := encodeBody(&WithdrawalBody{Published: At(tAnnounce), Announcement: Digest{1}, Reason: "计划有误"})
	require.NoError(f, err)
	f.Add(string(KindWithdrawal), w)
	f.Add(string(KindWithdrawal), []byte(`{"published":"2026-11-20T02:00:00Z","announcement":"`+strings.Repeat("0", 64)+`","reason":"x","reason":"y"}`))
	f.Add(string(KindResults), []byte(`{"draw":"`+strings.Repeat("a", 64)+`","published":"2026-12-01T02:00:00Z","results":[{"premises":"p","outcome":"no_issue","outcome_zh":"未发现问题","outcome_en":"No problem found","inspected":"2026-11-25","inspectors":["x"]}]}`))
	f.Add(string(KindDraw), []byte(strings.Repeat("[", 70)+strings.Repeat("]", 70)))
	sl, err := encodeBody(&SealBody{Published: At(tDraw), Announcement: Digest{1}, Sealed: Digest{2}, DrawnAt: At(tDraw)})
	require.NoError(f, err)
	f.Add(string(KindSeal), sl)
	f.Add(string(KindSeal), []byte(`{"published":"2026-11-22T01:35:00Z","announcement":"`+strings.Repeat("0", 64)+`","sealed":"`+strings.Repeat("0", 63)+`","drawn_at":"2026-11-22T01:35:00Z"}`))
	f.Add(string(KindDraw), []byte(`{"announcement":"`+strings.Repeat("0", 64)+`","drawn_at":"2026-11-22T01:35:00Z","nonce":"","evidence":[],"seed":"","view":{}}`))
	f.Add(string(KindDraw), []byte(`{"announcement":"`+strings.Repeat("0", 64)+`","drawn_at":"2026-11-22T01:35:00Z","nonce":"`+strings.Repeat("ab", 32)+`","nonce":null}`))
	f.Add(string(KindAnnouncement), []byte(`{"seed":[{"kind":"dice","verifiable":true,"ceremony":{"when":"x","where":"y"}}],"accepted_problems":["a"]}`))
	f.Fuzz(func(t *testing.T, kind string, body []byte) {
		if !Kind(kind).Valid() {
			return
		}
		d := &Document{Kind: Kind(kind), Body: body}
		v, err := ParseBody(d)
		if checkJSONDepth(body, MaxJSONDepth) != nil {
			require.Error(t, err, "a body nested too deep was accepted")
		}
		if err != nil {
			require.Nil(t, v)
			requireKnownError(t, err)
			return
		}
		switch b := v.(type) {
		case *DrawBody:
			if b.Nonce != nil {
				require.Len(t, b.Nonce[:], SealNonceSize)
			}
		case *WithdrawalBody, *ResultsBody, *SealBody:
			out, err := encodeBody(b)
			if err != nil {
				return // e.g. a zero time, which the record refuses
			}
			again, err := ParseBody(&Document{Kind: Kind(kind), Body: out})
			require.NoError(t, err)
			j1, _ := json.Marshal(v)
			j2, _ := json.Marshal(again)
			require.True(t, bytes.Equal(j1, j2), "%s\n%s", j1, j2)
		}
	})
}
