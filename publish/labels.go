package publish

import (
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/doublerandom/doublerandom/roster"
)

// Labels give the names people read for the codes of the tables: a
// region code (371727001 → 城关镇), a category (public_place → 公共场所),
// a task id. The public notice shows the label of a code when there is
// one, the code otherwise. The zero value and nil hold no label.
//
// Its file (see [ParseLabels]) is a CSV table:
//
//	kind,code,label
//	region,371727001,城关镇
//	category,public_place,公共场所
//	task,water,生活饮用水
//
// kind is the attribute the code is a value of (region, category, any
// attribute the plan stratifies by) or "task" for a task id.
type Labels struct {
	m map[string]map[string]string
}

// maxLabelErrors bounds the errors collected from one labels file.
const maxLabelErrors = 20

// LoadLabels reads a labels file; see [ParseLabels].
func LoadLabels(file string) (*Labels, error) {
	data, err := os.ReadFile(file)
	if err != nil {
		return nil, err
	}
	return ParseLabels(file, data)
}

// ParseLabels parses a labels table; file names it in errors. The rules:
// UTF-8 (with or without byte order mark), GBK or GB18030 ([roster.DecodeText]);
// lines starting with '#' are comments and empty lines are skipped; CSV
// (a label with a comma is quoted); the first other line is the header
// "kind,code,label" (or 类型,代码,名称); then one label a line. kind is a
// lowercase letter then lowercase letters, digits or '_' (at most 64
// bytes); code is 1 to 256 bytes without control characters or leading
// or trailing space; label 1 to 256 bytes likewise; a kind and code are
// labelled once. Every problem (up to 20) is reported as a
// *ResultsFileError naming file, line, column and value, joined with
// [errors.Join].
func ParseLabels(file string, data []byte) (*Labels, error) {
	text, _, err := roster.DecodeText(file, data, roster.EncodingAuto)
	if err != nil {
		return nil, err
	}
	// Blank out comment lines, keeping line numbers.
	lines := strings.Split(text, "\n")
	for i, l := range lines {
		if strings.HasPrefix(strings.TrimSpace(l), "#") {
			lines[i] = ""
		}
	}
	cr := csv.NewReader(strings.NewReader(strings.Join(lines, "\n")))
	cr.FieldsPerRecord = -1
	lb := &Labels{m: map[string]map[string]string{}}
	where := map[string]int{}
	var errs []error
	add := func(line, col int, field, value, format string, args ...any) {
		if len(errs) < maxLabelErrors {
			errs = append(errs, &ResultsFileError{File: file, Line: line, Column: col, Field: field, Value: value, Err: badCell(fmt.Sprintf(format, args...))})
		}
	}
	header := false
	for {
		rec, err := cr.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, csvFileError(file, err)
		}
		line, _ := cr.FieldPos(0)
		if !header {
			h := strings.Join(rec, ",")
			if h != "kind,code,label" && h != "类型,代码,名称" {
				add(line, 0, "header", h, `want "kind,code,label" (or 类型,代码,名称)`)
				break
			}
			header = true
			continue
		}
		if len(rec) != 3 {
			add(line, 0, "line", strings.Join(rec, ","), "want 3 cells kind,code,label, have %d", len(rec))
			continue
		}
		kind, code, label := rec[0], rec[1], rec[2]
		switch {
		case checkOutcomeCode(kind) != nil || len(kind) > 64:
			add(line, 1, "kind", kind, "want an attribute name (region, category, task, ...)")
		case checkOutcomeText(code) != nil:
			add(line, 2, "code", code, "want 1 to 256 bytes without control characters or surrounding space")
		case checkOutcomeText(label) != nil:
			add(line, 3, "label", label, "want 1 to 256 bytes without control characters or surrounding space")
		case where[kind+"\x00"+code] > 0:
			add(line, 2, "code", code, "%s %s labelled twice (also line %d)", kind, code, where[kind+"\x00"+code])
		default:
			where[kind+"\x00"+code] = line
			if lb.m[kind] == nil {
				lb.m[kind] = map[string]string{}
			}
			lb.m[kind][code] = label
		}
		if len(errs) >= maxLabelErrors {
			break
		}
	}
	if len(errs) == 0 && !header {
		add(1, 0, "header", "", `no header "kind,code,label"`)
	}
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	return lb, nil
}

// Label returns the label of code as a value of kind, and whether there
// is one.
func (l *Labels) Label(kind, code string) (string, bool) {
	if l == nil {
		return "", false
	}
	s, ok := l.m[kind][code]
	return s, ok
}

// Name returns the label of code as a value of kind, or code itself.
func (l *Labels) Name(kind, code string) string {
	if s, ok := l.Label(kind, code); ok {
		return s
	}
	return code
}
