package publish

import (
	"fmt"
	"strings"

	"github.com/doublerandom/doublerandom/random"
)

// Bounds of a view diff: a longer changed stretch is cut, saying how many
// lines were left out (the *MismatchError problems list every field).
const (
	diffContext  = 2
	diffMaxLines = 60
	diffMaxLCS   = 400 // lines per side diffed line by line; more are listed
)

// viewDiff returns a readable diff of two draw views, -recorded
// +replayed, over their canonical encodings ([random.View.Encode]) line
// by line. It is plain text code (no reflection), so the verifier in the
// browser page carries it at little cost.
func viewDiff(recorded, replayed *random.View) string {
	a, err := recorded.Encode()
	if err != nil {
		return ""
	}
	b, err := replayed.Encode()
	if err != nil {
		return ""
	}
	return lineDiff(strings.Split(string(a), "\n"), strings.Split(string(b), "\n"))
}

// viewDiffV2 is viewDiff for views of protocol v2 ([random.ViewV2.Encode]).
func viewDiffV2(recorded, replayed *random.ViewV2) string {
	a, err := recorded.Encode()
	if err != nil {
		return ""
	}
	b, err := replayed.Encode()
	if err != nil {
		return ""
	}
	return lineDiff(strings.Split(string(a), "\n"), strings.Split(string(b), "\n"))
}

// lineDiff diffs a and b: the common head and tail are skipped (but for
// diffContext lines), the stretch between is diffed by longest common
// subsequence when short enough, else listed whole, and the output is
// capped at diffMaxLines lines.
func lineDiff(a, b []string) string {
	pre := 0
	for pre < len(a) && pre < len(b) && a[pre] == b[pre] {
		pre++
	}
	suf := 0
	for suf < len(a)-pre && suf < len(b)-pre && a[len(a)-1-suf] == b[len(b)-1-suf] {
		suf++
	}
	if pre == len(a) && pre == len(b) {
		return ""
	}
	var out []string
	from := max(0, pre-diffContext)
	out = append(out, fmt.Sprintf("@@ line %d @@", from+1))
	for _, l := range a[from:pre] {
		out = append(out, "  "+l)
	}
	ma, mb := a[pre:len(a)-suf], b[pre:len(b)-suf]
	if len(ma) <= diffMaxLCS && len(mb) <= diffMaxLCS {
		out = append(out, lcsDiff(ma, mb)...)
	} else {
		for _, l := range ma {
			out = append(out, "- "+l)
		}
		for _, l := range mb {
			out = append(out, "+ "+l)
		}
	}
	for _, l := range a[len(a)-suf : min(len(a), len(a)-suf+diffContext)] {
		out = append(out, "  "+l)
	}
	if len(out) > diffMaxLines {
		n := len(out) - diffMaxLines
		out = append(out[:diffMaxLines], fmt.Sprintf("… %d more lines", n))
	}
	return strings.Join(out, "\n") + "\n"
}

// lcsDiff is the textbook longest-common-subsequence line diff.
func lcsDiff(a, b []string) []string {
	n, m := len(a), len(b)
	t := make([][]int32, n+1)
	for i := range t {
		t[i] = make([]int32, m+1)
	}
	for i := n - 1; i >= 0; i-- {
		for j := m - 1; j >= 0; j-- {
			if a[i] == b[j] {
				t[i][j] = t[i+1][j+1] + 1
			} else {
				t[i][j] = max(t[i+1][j], t[i][j+1])
			}
		}
	}
	var out []string
	i, j := 0, 0
	for i < n || j < m {
		switch {
		case i < n && j < m && a[i] == b[j]:
			out = append(out, "  "+a[i])
			i, j = i+1, j+1
		case i < n && (j == m || t[i+1][j] >= t[i][j+1]):
			out = append(out, "- "+a[i])
			i++
		default:
			out = append(out, "+ "+b[j])
			j++
		}
	}
	return out
}
