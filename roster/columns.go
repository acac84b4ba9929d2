package roster

import (
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"maps"
	"os"
	"slices"
	"strings"
	"unicode/utf8"
)

// Column headers of agency files.
//
// Registers export their tables with Chinese column headers
// (统一社会信用代码, 单位名称, 所属区域, …). A CSV or .xlsx table is read
// with each header mapped to an attribute name, in this order:
//
//  1. an entry of the column-mapping file (Options.Columns) for the
//     table and header;
//  2. the built-in table of the table's kind (see [BuiltinColumns]),
//     unless a column is named "id": such a header is in the protocol's
//     own form (as [WriteCSV] writes it) and is read as it is, so that a
//     canonical file always reads back to the same table;
//  3. the header itself: a header that is not mapped is the attribute's
//     name (and must be a valid one).
//
// Headers are looked up with surrounding spaces (U+0020, U+3000) and line
// breaks (a header wrapped in its cell) removed; a header kept as is keeps
// them (and is then an error). A mapping to
// [DropColumn] drops the column: its cells are not read and not hashed.
// Two columns of one file that map to the same attribute are an error
// naming both. Every header that a mapping renamed or dropped is reported
// in the table's [TableReport].
//
// The built-in table is part of the rules by which an exported file's
// root is computed: its entries are never changed or removed, so that a
// folder keeps its roots.

// DropColumn is the attribute a column is mapped to when it is to be left
// out of the table (a serial number, a column of personal data the
// agency does not want hashed).
const DropColumn = "-"

// builtinAlias is one attribute of the built-in table and the headers read
// as it.
type builtinAlias struct {
	name    string
	headers []string
}

// builtinColumns is the built-in header table, per kind.
var builtinColumns = map[Kind][]builtinAlias{
	KindPremises: {
		{"id", []string{"统一社会信用代码", "社会信用代码", "信用代码", "统一社会信用代码/注册号", "统一社会信用代码（注册号）", "统一社会信用代码(注册号)", "注册号"}},
		{"name", []string{"单位名称", "企业名称", "名称", "检查对象名称", "对象名称", "主体名称", "市场主体名称", "机构名称"}},
		{AttrRegion, []string{"行政区划代码", "行政区划", "区划代码", "所属区域", "区域", "所属区划"}},
		{"town", []string{"所属乡镇", "乡镇", "乡镇（街道）", "乡镇(街道)", "乡镇街道", "所属街道"}},
		{AttrCategory, []string{"监管类别", "类别", "检查对象类别", "行业类别", "专业类别"}},
		{"subcategory", []string{"监管子类", "子类别", "细分类别"}},
		{AttrRisk, []string{"风险等级", "风险分级", "风险级别", "信用风险分类"}},
		{AttrStatus, []string{"登记状态", "经营状态", "状态", "企业状态"}},
		{"matters", []string{"检查事项", "抽查事项"}},
		{AttrUnit, []string{"监管单位", "监管机构", "管辖单位"}},
		{"address", []string{"地址", "经营地址", "住所", "经营场所"}},
		{"phone", []string{"联系电话"}},
		{DropColumn, []string{"序号"}},
	},
	KindInspectors: {
		{"id", []string{"执法证号", "执法证件号", "执法证件号码", "执法证编号", "行政执法证号", "行政执法证件号码"}},
		{"name", []string{"姓名", "执法人员姓名", "检查人员姓名"}},
		{AttrUnit, []string{"所属单位", "科室", "所属科室", "工作单位", "所在单位", "单位"}},
		{AttrRegion, []string{"行政区划代码", "所属区域", "区域", "执法区域", "管辖区域"}},
		{AttrHomeRegion, []string{"居住地", "居住地区划代码", "居住地行政区划代码"}},
		{AttrSpecialties, []string{"专业领域", "专业", "执法领域", "专业特长"}},
		{AttrCredentialExpires, []string{"证件有效期至", "执法证有效期至", "有效期至", "证件有效期", "执法证有效期"}},
		{AttrCapacity, []string{"任务上限", "可承担任务数"}},
		{AttrStatus, []string{"状态", "在岗状态", "人员状态"}},
		{"phone", []string{"联系电话", "手机号码", "手机"}},
		{DropColumn, []string{"序号"}},
	},
	KindConflicts: {
		{"id", []string{"编号", "回避编号"}},
		{AttrInspector, []string{"执法证号", "执法证件号", "执法证件号码", "执法证编号"}},
		{AttrPremises, []string{"统一社会信用代码", "社会信用代码", "信用代码", "注册号"}},
		{AttrReason, []string{"回避原因", "回避事由", "原因", "事由"}},
		{DropColumn, []string{"序号"}},
	},
	KindHistory: {
		{"id", []string{"检查编号", "记录编号", "编号"}},
		{AttrPremises, []string{"统一社会信用代码", "社会信用代码", "信用代码", "注册号"}},
		{AttrDate, []string{"检查日期", "抽查日期", "日期"}},
		{AttrInspectors, []string{"检查人员", "执法人员", "检查人员执法证号", "执法证号"}},
		{"kind", []string{"检查类型", "抽查类型"}},
		{"matters", []string{"检查事项", "抽查事项"}},
		{DropColumn, []string{"序号"}},
	},
}

// builtinLookup is builtinColumns as header → attribute, per kind.
var builtinLookup = func() map[Kind]map[string]string {
	out := make(map[Kind]map[string]string, len(builtinColumns))
	for k, aliases := range builtinColumns {
		m := map[string]string{}
		for _, a := range aliases {
			for _, h := range a.headers {
				if _, dup := m[h]; dup {
					panic("roster: built-in header " + h + " twice")
				}
				m[h] = a.name
			}
		}
		out[k] = m
	}
	return out
}()

// BuiltinColumns returns the built-in header table of a kind of table:
// each header and the attribute it is read as ([DropColumn] for a column
// that is left out). The map is a copy.
func BuiltinColumns(kind Kind) map[string]string {
	return maps.Clone(builtinLookup[kind])
}

// ColumnMap maps further column headers to attribute names, per table
// (see Options.Columns). Build one with [LoadColumnMap] or
// [ReadColumnMap] from a mapping file, or with [NewColumnMap] and
// [ColumnMap.Set] in a program. A nil *ColumnMap maps nothing.
//
// The mapping file is a CSV file (UTF-8, UTF-8 with BOM, GBK or GB18030,
// as tables are) whose header is exactly "table,header,attribute" and
// whose rows each map one header of one table:
//
//	table,header,attribute
//	# lines starting with # are comments
//	premises,许可证编号,license
//	premises,法定代表人,-
//	inspectors,手机号码,phone
//
// table is premises, inspectors, conflicts or history; header is the
// column header as the table's file has it (surrounding spaces are
// ignored); attribute is a valid attribute name, or "-" to leave the
// column out. An entry overrides the built-in table for its header. The
// same table and header twice is an error naming both lines.
type ColumnMap struct {
	file    string
	entries map[Kind]map[string]columnEntry
}

type columnEntry struct {
	name string
	line int // in the mapping file; 0 when set in Go
}

// NewColumnMap returns an empty column map.
func NewColumnMap() *ColumnMap {
	return &ColumnMap{entries: map[Kind]map[string]columnEntry{}}
}

// Set maps header (surrounding spaces ignored) of the kind's table to the
// attribute name, or to [DropColumn]. It refuses a bad name, an empty
// header, and a header already mapped.
func (m *ColumnMap) Set(kind Kind, header, name string) error {
	_, err := m.set(kind, header, name, 0)
	return err
}

// set is Set for an entry of a mapping file's line (0 for Go); field says
// which of header and attribute the error is about.
func (m *ColumnMap) set(kind Kind, header, name string, line int) (field string, err error) {
	if !kind.valid() {
		return "table", fmt.Errorf("%w: unknown table kind %d", ErrColumnMap, uint8(kind))
	}
	h := trimHeader(header)
	if h == "" {
		return "header", fmt.Errorf("%w: empty header", ErrColumnMap)
	}
	if err := ValidName(h); err != nil {
		return "header", fmt.Errorf("%w: header %q: %w", ErrColumnMap, header, err)
	}
	if name != DropColumn {
		if err := ValidName(name); err != nil {
			return "attribute", fmt.Errorf("%w: attribute %q: %w", ErrColumnMap, name, err)
		}
	}
	if m.entries[kind] == nil {
		m.entries[kind] = map[string]columnEntry{}
	}
	if old, dup := m.entries[kind][h]; dup {
		if old.line > 0 {
			return "header", fmt.Errorf("%w: %s header %q is mapped twice (first on line %d)", ErrColumnMap, kind, h, old.line)
		}
		return "header", fmt.Errorf("%w: %s header %q is mapped twice", ErrColumnMap, kind, h)
	}
	m.entries[kind][h] = columnEntry{name, line}
	return "", nil
}

// File returns the name of the mapping file the map was read from, if any.
func (m *ColumnMap) File() string {
	if m == nil {
		return ""
	}
	return m.file
}

// Entries returns the map's entries of one table, header → attribute.
func (m *ColumnMap) Entries(kind Kind) map[string]string {
	out := map[string]string{}
	if m == nil {
		return out
	}
	for h, e := range m.entries[kind] {
		out[h] = e.name
	}
	return out
}

// LoadColumnMap reads a column-mapping file (see [ColumnMap]).
func LoadColumnMap(name string) (*ColumnMap, error) {
	f, err := os.Open(name)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return ReadColumnMap(f, name)
}

// columnMapHeader is the header a mapping file must have.
var columnMapHeader = []string{"table", "header", "attribute"}

// ReadColumnMap reads a column-mapping file (see [ColumnMap]); file names
// it in errors. Every problem is returned, as an *[ErrorList].
func ReadColumnMap(r io.Reader, file string) (*ColumnMap, error) {
	data, err := readAll(r)
	if err != nil {
		return nil, &RowError{File: file, Err: err}
	}
	text, err := decodeText(data, file)
	if err != nil {
		return nil, err
	}
	m := NewColumnMap()
	m.file = file
	errs := newErrorList(Options{})
	fail := func(line, col int, field, value string, err error) {
		errs.add(&RowError{File: file, Line: line, Column: col, Field: field, Value: value, Err: err})
	}
	cr := csv.NewReader(strings.NewReader(text))
	cr.Comment = '#'
	cr.FieldsPerRecord = -1
	first := true
	for {
		rec, err := cr.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			var pe *csv.ParseError
			if errors.As(err, &pe) {
				fail(pe.Line, 0, "", "", fmt.Errorf("%w: %v", ErrSyntax, pe.Err))
				break
			}
			return nil, &RowError{File: file, Err: err}
		}
		line, _ := cr.FieldPos(0)
		if first {
			first = false
			if !slices.Equal(rec, columnMapHeader) {
				fail(line, 0, "", strings.Join(rec, ","), fmt.Errorf("%w: the header must be %q", ErrColumnMap, strings.Join(columnMapHeader, ",")))
				break
			}
			continue
		}
		if len(rec) != 3 {
			fail(line, 0, "", strings.Join(rec, ","), fmt.Errorf("%w: %d fields, want 3 (table,header,attribute)", ErrFieldCount, len(rec)))
			continue
		}
		kind, err := ParseKind(rec[0])
		if err != nil {
			fail(line, 1, "table", rec[0], fmt.Errorf("%w: %w", ErrColumnMap, err))
			continue
		}
		if field, err := m.set(kind, rec[1], rec[2], line); err != nil {
			if field == "attribute" {
				fail(line, 3, field, rec[2], err)
			} else {
				fail(line, 2, field, rec[1], err)
			}
		}
	}
	if first {
		fail(1, 0, "", "", fmt.Errorf("%w: no header row (want %q)", ErrColumnMap, strings.Join(columnMapHeader, ",")))
	}
	if err := errs.err(); err != nil {
		return nil, err
	}
	return m, nil
}

// decodeText returns the text of a small file in any of the encodings
// tables may be in (detected), or an error naming the first line that does
// not decode.
func decodeText(data []byte, file string) (string, error) {
	gbk := detectEncoding(data, true) == EncodingGBK
	data = bytes.TrimPrefix(data, bom)
	var b strings.Builder
	n := 0
	for line := range bytes.Lines(data) {
		n++
		dec, ok := line, utf8.Valid(line)
		if gbk {
			dec, ok = decodeGBK(line)
		}
		if !ok {
			return "", &RowError{File: file, Line: n, Value: strings.ToValidUTF8(strings.TrimRight(string(dec), "\r\n"), "\uFFFD"),
				Err: fmt.Errorf("%w: bytes that are neither UTF-8 nor GBK (GB18030) on this line", ErrEncoding)}
		}
		b.Write(dec)
	}
	return b.String(), nil
}

// trimHeader removes the spaces (U+0020, U+3000) around a header.
func trimHeader(h string) string {
	return strings.Trim(h, " \u3000")
}

// headerKey is the form in which a file's header is looked up: without
// line breaks and surrounding spaces.
func headerKey(h string) string {
	if strings.ContainsAny(h, "\r\n") {
		h = strings.NewReplacer("\r", "", "\n", "").Replace(h)
	}
	return trimHeader(h)
}

// ColumnReport says what one column of a table file became.
type ColumnReport struct {
	Column int    // 1-based
	Header string // as the file has it
	Name   string // the attribute; "" when the column is dropped
	// Source is where the mapping came from: "built-in", or the mapping
	// file and line ("columns.csv:3", "Go" for [ColumnMap.Set]); "" when
	// the header is the attribute's name as is.
	Source string
}

// Mapped reports whether a mapping renamed or dropped the column.
func (c ColumnReport) Mapped() bool { return c.Source != "" }

// mapHeader maps the header cells of a table file to attribute names
// ("" for a dropped column) and reports problems: an empty or bad name
// kept as is, a name that repeats (two columns mapping to one attribute),
// no id column. bad is called with the 0-based column, field, value and
// error of each problem.
func mapHeader(kind Kind, header []string, cm *ColumnMap, bad func(col int, field, value string, err error)) (names []string, cols []ColumnReport, idCol int) {
	names = make([]string, len(header))
	cols = make([]ColumnReport, len(header))
	builtin := builtinFor(kind, header)
	var file map[string]columnEntry
	if cm != nil {
		file = cm.entries[kind]
	}
	for i, h := range header {
		name, source := h, ""
		t := headerKey(h)
		if e, ok := file[t]; ok {
			name, source = e.name, "Go"
			if e.line > 0 {
				source = fmt.Sprintf("%s:%d", cm.file, e.line)
			}
		} else if a, ok := builtin[t]; ok {
			name, source = a, "built-in"
		}
		if name == DropColumn {
			name = ""
		}
		names[i] = name
		cols[i] = ColumnReport{Column: i + 1, Header: h, Name: name, Source: source}
	}
	idCol = -1
	seen := make(map[string]int, len(header))
	for i, name := range names {
		if cols[i].Source != "" && name == "" {
			continue // dropped
		}
		if err := ValidName(name); err != nil {
			bad(i, name, name, fmt.Errorf("column name: %w", err))
			names[i] = ""
			continue
		}
		if j, dup := seen[name]; dup {
			if cols[i].Mapped() || cols[j].Mapped() {
				bad(i, name, header[i], fmt.Errorf("%w: columns %s (%s) and %s (%s) both read as %q; map one of them to another name, or to \"-\" to leave it out, in a column-mapping file",
					ErrBadName, ColumnLetters(j+1), header[j], ColumnLetters(i+1), header[i], name))
			} else {
				bad(i, name, name, fmt.Errorf("%w: column name repeats column %d", ErrBadName, j+1))
			}
			names[i] = ""
			continue
		}
		seen[name] = i
		if name == "id" {
			idCol = i
		}
	}
	return names, cols, idCol
}

// builtinFor returns the built-in table that applies to a header: the
// kind's, or none when a column is named id.
func builtinFor(kind Kind, header []string) map[string]string {
	if slices.ContainsFunc(header, func(h string) bool { return headerKey(h) == "id" }) {
		return nil
	}
	return builtinLookup[kind]
}

// noIDError is the error of a header without an id column.
func noIDError(kind Kind) error {
	var ids []string
	for _, a := range builtinColumns[kind] {
		if a.name == "id" {
			ids = append(ids, a.headers...)
		}
	}
	if len(ids) > 3 {
		ids = append(ids[:3], "…")
	}
	return fmt.Errorf("%w: the header has no id column (a column named id, or one the built-in table reads as id: %s; map another header to id in a column-mapping file)",
		ErrMissingField, strings.Join(ids, ", "))
}

// headerNeedsMapping reports whether any header of a file would be
// renamed or dropped (the CSV fast path reads only files that need none).
func headerNeedsMapping(kind Kind, header []string, cm *ColumnMap) bool {
	builtin := builtinFor(kind, header)
	for _, h := range header {
		t := headerKey(h)
		if _, ok := builtin[t]; ok {
			return true
		}
		if cm != nil {
			if _, ok := cm.entries[kind][t]; ok {
				return true
			}
		}
	}
	return false
}
