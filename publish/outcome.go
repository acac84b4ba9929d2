package publish

import (
	"errors"
	"fmt"
	"unicode"
	"unicode/utf8"
)

// Outcome is one result an inspection can have (抽查检查结果), as
// published: a stable ASCII code for programs and the official Chinese
// wording, with an English rendering.
type Outcome struct {
	// Code is the stable identifier: a lowercase ASCII letter, then
	// lowercase letters, digits or '_', at most 32 bytes.
	Code string
	// Zh is the Chinese text as it appears in results notices.
	Zh string
	// En is the English text.
	En string
}

// Codes of the standard outcomes. They are part of the published results
// format: never change or reuse one.
const (
	OutcomeNoIssue         = "no_issue"
	OutcomeNotDisclosed    = "not_disclosed"
	OutcomeFalseDisclosure = "false_disclosure"
	OutcomeUnreachable     = "unreachable"
	OutcomeCorrected       = "corrected"
	OutcomePending         = "pending"
	OutcomeNoActivity      = "no_activity"
	OutcomeClosed          = "closed"
	OutcomeObstructed      = "obstructed"
	OutcomeReferred        = "referred"
)

// standardOutcomes lists the outcomes used by the national enterprise
// credit information publicity system for random inspections.
var standardOutcomes = [...]Outcome{
	{OutcomeNoIssue, "未发现问题", "No problem found"},
	{OutcomeNotDisclosed, "未按规定公示应当公示的信息", "Did not disclose information it is required to disclose"},
	{OutcomeFalseDisclosure, "公示信息隐瞒真实情况弄虚作假", "Disclosed information conceals the facts or is falsified"},
	{OutcomeUnreachable, "通过登记的住所（经营场所）无法联系", "Cannot be reached at its registered domicile (business premises)"},
	{OutcomeCorrected, "发现问题经责令已改正", "Problem found and corrected as ordered"},
	{OutcomePending, "发现问题待后续处理", "Problem found, follow-up pending"},
	{OutcomeNoActivity, "未发现开展本次抽查涉及的经营活动", "No business activity covered by this inspection found"},
	{OutcomeClosed, "已关闭停业或正在组织清算", "Closed, out of business or in liquidation"},
	{OutcomeObstructed, "不配合检查情节严重", "Seriously uncooperative with the inspection"},
	{OutcomeReferred, "移交其他部门处理", "Referred to another authority"},
}

// Outcomes is a registry of outcomes: [Standard] returns one holding the
// standard outcomes, and a caller may [Outcomes.Add] local ones. The zero
// value is an empty registry. An Outcomes is not safe for concurrent
// Add; lookups may run concurrently once it is built.
type Outcomes struct {
	list   []Outcome
	byCode map[string]int
	byZh   map[string]int
}

// Standard returns a new registry holding the ten standard outcomes, in
// the order of the national system.
func Standard() *Outcomes {
	o := new(Outcomes)
	for _, s := range standardOutcomes {
		_ = o.Add(s) // a fixed table, valid by test
	}
	return o
}

// Add adds an outcome. It returns an *OutcomeError wrapping ErrMalformed
// for a bad code or empty text, or ErrExists when the code or the Chinese
// text is taken.
func (o *Outcomes) Add(x Outcome) error {
	if err := checkOutcomeCode(x.Code); err != nil {
		return &OutcomeError{Code: x.Code, Err: fmt.Errorf("%w: %v", ErrMalformed, err)}
	}
	for _, t := range []string{x.Zh, x.En} {
		if err := checkOutcomeText(t); err != nil {
			return &OutcomeError{Code: x.Code, Err: fmt.Errorf("%w: %v", ErrMalformed, err)}
		}
	}
	if o.byCode == nil {
		o.byCode, o.byZh = make(map[string]int), make(map[string]int)
	}
	if _, ok := o.byCode[x.Code]; ok {
		return &OutcomeError{Code: x.Code, Err: ErrExists}
	}
	if i, ok := o.byZh[x.Zh]; ok {
		return &OutcomeError{Code: x.Code, Err: fmt.Errorf("%w: text %q is outcome %q", ErrExists, x.Zh, o.list[i].Code)}
	}
	o.byCode[x.Code] = len(o.list)
	o.byZh[x.Zh] = len(o.list)
	o.list = append(o.list, x)
	return nil
}

// Lookup returns the outcome with the given code.
func (o *Outcomes) Lookup(code string) (Outcome, bool) {
	i, ok := o.byCode[code]
	if !ok {
		return Outcome{}, false
	}
	return o.list[i], true
}

// LookupZh returns the outcome with the given Chinese text.
func (o *Outcomes) LookupZh(zh string) (Outcome, bool) {
	i, ok := o.byZh[zh]
	if !ok {
		return Outcome{}, false
	}
	return o.list[i], true
}

// All returns the outcomes in the order they were added.
func (o *Outcomes) All() []Outcome { return append([]Outcome(nil), o.list...) }

func checkOutcomeCode(c string) error {
	if c == "" || len(c) > 32 {
		return errors.New("code must be 1 to 32 bytes")
	}
	for i := 0; i < len(c); i++ {
		switch b := c[i]; {
		case 'a' <= b && b <= 'z':
		case i > 0 && ('0' <= b && b <= '9' || b == '_'):
		default:
			return fmt.Errorf("code %q: want a lowercase letter then lowercase letters, digits or '_'", c)
		}
	}
	return nil
}

func checkOutcomeText(t string) error {
	if t == "" || len(t) > 256 || !utf8.ValidString(t) {
		return errors.New("text must be 1 to 256 bytes of UTF-8")
	}
	for _, r := range t {
		if unicode.IsControl(r) {
			return fmt.Errorf("text %q contains %U", t, r)
		}
	}
	first, _ := utf8.DecodeRuneInString(t)
	last, _ := utf8.DecodeLastRuneInString(t)
	if unicode.IsSpace(first) || unicode.IsSpace(last) {
		return fmt.Errorf("text %q has leading or trailing space", t)
	}
	return nil
}
