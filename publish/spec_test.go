package publish

import (
	"bytes"
	"crypto/sha256"
	"encoding/base64"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"
	"golang.org/x/mod/sumdb/note"
)

// TestSpecWorkedExample pins the worked example of the SPEC section on
// publication. Do not change: the bytes, digest and root are published.
func TestSpecWorkedExample(t *testing.T) {
	key := func(name string) (Signer, note.Verifier) {
		seed := sha256.Sum256([]byte(name))
		skey, vkey, err := GenerateKey(bytes.NewReader(seed[:]), name)
		require.NoError(t, err)
		s, _ := NewSigner(skey)
		v, _ := NewVerifier(vkey)
		return s, v
	}
	agency, av := key("example.gov.cn/scjgj")
	office, _ := key("纪检监察组")
	want := "doublerandom/v1 announcement\n" +
		"ledger: example.gov.cn/scjgj\n" +
		"seq: 1\n" +
		"prev: 0000000000000000000000000000000000000000000000000000000000000000\n" +
		"\n" +
		"{\"plan\":\"2026-Q4-public-health\"}\n" +
		"\n" +
		"— example.gov.cn/scjgj ygLau8K8nogwt9HOnWUlEf5Wy+zIXHMHpFRlP4fKKArZF+Qo1wLCDagq5/PSzwh+0xhZwhIoTqRc3U8PhWDVZKsjfQ4=\n" +
		"— 纪检监察组 DxZzcLJ3hWpKyW/TUzcepg+1LbZG62AL29HV2rVHKKy51THGoaT/GGpUbhppfnPzsTI7ooER0HU0ppECH4T2AePD4wQ=\n"
	doc := &Document{Kind: KindAnnouncement, Ledger: "example.gov.cn/scjgj", Seq: 1, Body: []byte(`{"plan":"2026-Q4-public-health"}` + "\n")}
	signed, err := SignDocument(doc, agency, office)
	require.NoError(t, err)
	require.Equal(t, want, string(signed))
	require.Equal(t, "1fa8f70e4fb1bcf3d3e65bf3325a268883f6b1823073cc116698962b6a2c4d1a", DigestOf(signed).String())

	l, err := CreateDir(filepath.Join(t.TempDir(), "l"), "example.gov.cn/scjgj", DirOptions{Signer: agency, Verifiers: []note.Verifier{av}})
	require.NoError(t, err)
	defer l.Close()
	_, err = l.Append(signed)
	require.NoError(t, err)
	msg, err := l.Checkpoint()
	require.NoError(t, err)
	c, err := ParseSignedCheckpoint(msg)
	require.NoError(t, err)
	require.Equal(t, "K7CS/p3dgP6/ip0qUGzYt2eIak+0ECrxg3yBfpCRYJM=", base64.StdEncoding.EncodeToString(c.Root[:]))
	text, _ := c.MarshalText()
	require.Equal(t, "example.gov.cn/scjgj\n1\nK7CS/p3dgP6/ip0qUGzYt2eIak+0ECrxg3yBfpCRYJM=\n", string(text))
}
