package publish

import (
	"errors"
	"fmt"
	"strings"
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
	// Parent is the code of the outcome this one details ("" for a
	// top-level outcome): the sub-items of 发现问题待后续处理 name
	// [OutcomePending] or one of its sub-items.
	Parent string
}

// Codes of the standard outcomes. They are part of the published results
// format: never change or reuse one; new ones are only ever added.
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

	// Sub-items of 发现问题待后续处理 ([OutcomePending]).
	OutcomeViolatesMarketRules = "violates_market_rules"
	OutcomeViolatesOtherMarket = "violates_other_market"
	OutcomeViolatesFoodDrug    = "violates_food_drug"
	OutcomeViolatesQuality     = "violates_quality"
	OutcomeViolatesPolice      = "violates_police"
	OutcomeViolatesOtherDept   = "violates_other_dept"

	// The business's registration status found at the inspection.
	OutcomeDeregistered        = "deregistered"
	OutcomeLicenceRevoked      = "licence_revoked"
	OutcomeRegistrationRevoked = "registration_revoked"
	OutcomeMovedOut            = "moved_out"
)

// standardOutcomes lists the outcomes of random inspections
// (双随机抽查检查结果) as the national enterprise credit information
// publicity system (国家企业信用信息公示系统) records them.
//
// Sources. The wording and the grouping are those of the system's
// results-entry form, the "市场监管领域随机抽查情况记录表" (results:
// 未发现问题; 发现问题待后续处理 with its sub-items 违反工商行政管理相关规定
// — itself detailed as 未按规定公示应当公示的信息, 公示信息隐瞒真实情况弄虚作假,
// 通过登记的住所（经营场所）无法联系, 违反其他工商行政管理规定行为 —,
// 违反食品药品管理相关规定, 违反质量技术监督相关规定, 违反公安部门相关规定,
// 违反其他部门相关规定; 发现问题经责令已改正; 未发现开展本次抽查涉及的经营活动;
// 已关闭停业或正在组织清算; 不配合检查情节严重; 注销; 被吊销; 被撤销; 迁出),
// with follow-up status 未完结/已完结 ([FollowUpOpen], [FollowUpDone]). The
// outcomes on disclosed information (未按规定公示应当公示的信息, ...) are
// those of the spot checks of 企业公示信息抽查暂行办法 (国家工商行政管理总局令
// 第67号, 2014). Since the 2018 reform the 工商, 食品药品 and 质量技术监督
// items are all 市场监管 rules; the texts keep the form's wording, as
// results published with it do.
//
// We found no published national numeric code for these outcomes
// (provincial systems number them their own way), so the codes are this
// package's stable ASCII codes. "referred" (移交其他部门处理) is a local
// outcome kept for the results already published with it.
var standardOutcomes = [...]Outcome{
	{OutcomeNoIssue, "未发现问题", "No problem found", ""},
	{OutcomeNotDisclosed, "未按规定公示应当公示的信息", "Did not disclose information it is required to disclose", OutcomeViolatesMarketRules},
	{OutcomeFalseDisclosure, "公示信息隐瞒真实情况弄虚作假", "Disclosed information conceals the facts or is falsified", OutcomeViolatesMarketRules},
	{OutcomeUnreachable, "通过登记的住所（经营场所）无法联系", "Cannot be reached at its registered domicile (business premises)", OutcomeViolatesMarketRules},
	{OutcomeCorrected, "发现问题经责令已改正", "Problem found and corrected as ordered", ""},
	{OutcomePending, "发现问题待后续处理", "Problem found, follow-up pending", ""},
	{OutcomeNoActivity, "未发现开展本次抽查涉及的经营活动", "No business activity covered by this inspection found", ""},
	{OutcomeClosed, "已关闭停业或正在组织清算", "Closed, out of business or in liquidation", ""},
	{OutcomeObstructed, "不配合检查情节严重", "Seriously uncooperative with the inspection", ""},
	{OutcomeReferred, "移交其他部门处理", "Referred to another authority", ""},
	{OutcomeViolatesMarketRules, "违反工商行政管理相关规定", "Violates market regulation (industry and commerce) rules", OutcomePending},
	{OutcomeViolatesOtherMarket, "违反其他工商行政管理规定行为", "Other violation of market regulation (industry and commerce) rules", OutcomeViolatesMarketRules},
	{OutcomeViolatesFoodDrug, "违反食品药品管理相关规定", "Violates food and drug rules", OutcomePending},
	{OutcomeViolatesQuality, "违反质量技术监督相关规定", "Violates quality and technical supervision rules", OutcomePending},
	{OutcomeViolatesPolice, "违反公安部门相关规定", "Violates public security rules", OutcomePending},
	{OutcomeViolatesOtherDept, "违反其他部门相关规定", "Violates rules of another department", OutcomePending},
	{OutcomeDeregistered, "注销", "Deregistered", ""},
	{OutcomeLicenceRevoked, "被吊销", "Business licence revoked", ""},
	{OutcomeRegistrationRevoked, "被撤销", "Registration cancelled", ""},
	{OutcomeMovedOut, "迁出", "Moved out of the jurisdiction", ""},
}

// outcomeAliases are other wordings of standard outcomes found in
// results files and older notices; [Outcomes.LookupZh] accepts them.
var outcomeAliases = map[string]string{
	"发现问题已责令改正":       OutcomeCorrected,
	"公示信息隐瞒真实情况、弄虚作假": OutcomeFalseDisclosure,
	"查无下落": OutcomeUnreachable,
	"通过登记的住所或者经营场所无法联系": OutcomeUnreachable,
	"不予配合情节严重":          OutcomeObstructed,
	"已办理营业执照注销":         OutcomeDeregistered,
	"被吊销营业执照":           OutcomeLicenceRevoked,
	"被撤销登记":             OutcomeRegistrationRevoked,
	"违反市场监管相关规定":        OutcomeViolatesMarketRules,
	"违反市场监督管理相关规定":      OutcomeViolatesMarketRules,
}

// Outcomes is a registry of outcomes: [Standard] returns one holding the
// standard outcomes, and a caller may [Outcomes.Add] local ones. The zero
// value is an empty registry. An Outcomes is not safe for concurrent
// Add; lookups may run concurrently once it is built.
type Outcomes struct {
	list    []Outcome
	byCode  map[string]int
	byZh    map[string]int
	aliases map[string]int
}

// Standard returns a new registry holding the standard outcomes (see
// the package's list: the ten of the first release, then the sub-items of
// 发现问题待后续处理 and the registration statuses), with the usual other
// wordings of some of them as aliases for [Outcomes.LookupZh].
func Standard() *Outcomes {
	o := new(Outcomes)
	for _, s := range standardOutcomes {
		x := s
		x.Parent = "" // parents may come later in the table
		_ = o.Add(x)  // a fixed table, valid by test
	}
	for i, s := range standardOutcomes {
		o.list[i].Parent = s.Parent
	}
	o.aliases = make(map[string]int)
	for zh, code := range outcomeAliases {
		o.aliases[zh] = o.byCode[code]
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
	if _, ok := o.byCode[x.Parent]; x.Parent != "" && !ok {
		return &OutcomeError{Code: x.Code, Err: fmt.Errorf("%w: parent %q is not in the registry", ErrMalformed, x.Parent)}
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

// LookupZh returns the outcome with the given Chinese text, or with one
// of the other wordings [Standard] knows (发现问题已责令改正, 查无下落, ...).
// ASCII parentheses read as full-width ones, and surrounding space and a
// final '；', ';' or '。' are ignored.
func (o *Outcomes) LookupZh(zh string) (Outcome, bool) {
	zh = normalizeZh(zh)
	i, ok := o.byZh[zh]
	if !ok {
		i, ok = o.aliases[zh]
	}
	if !ok {
		return Outcome{}, false
	}
	return o.list[i], true
}

// Find returns the outcome named by s: a code, or a Chinese text as
// [Outcomes.LookupZh] reads it.
func (o *Outcomes) Find(s string) (Outcome, bool) {
	if x, ok := o.Lookup(strings.TrimSpace(s)); ok {
		return x, true
	}
	return o.LookupZh(s)
}

func normalizeZh(s string) string {
	s = strings.TrimSpace(s)
	s = strings.TrimRight(s, "；;。")
	s = strings.NewReplacer("(", "（", ")", "）").Replace(strings.TrimSpace(s))
	return s
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

// Follow-up status of a result (后续处置状态), in a results document's
// "follow_up" (omitted: not stated).
const (
	FollowUpOpen = "open" // 未完结
	FollowUpDone = "done" // 已完结
)

var followUps = []struct{ code, zh string }{{FollowUpOpen, "未完结"}, {FollowUpDone, "已完结"}}

// FollowUpZh returns the Chinese text of a follow-up status code, "" for
// an unknown one.
func FollowUpZh(code string) string {
	for _, f := range followUps {
		if f.code == code {
			return f.zh
		}
	}
	return ""
}

// ParseFollowUp reads a follow-up status: its code or its Chinese text.
func ParseFollowUp(s string) (string, bool) {
	s = strings.TrimSpace(s)
	for _, f := range followUps {
		if s == f.code || s == f.zh {
			return f.code, true
		}
	}
	return "", false
}

// InspectionType is the kind of inspection a result comes from (检查类型),
// in a results document's "inspection_type".
type InspectionType struct {
	Code string
	Zh   string
	En   string
}

// The inspection types. Codes are part of the results format.
const (
	InspectionRandom   = "random"   // 双随机抽查
	InspectionTargeted = "targeted" // 定向抽查
	InspectionJoint    = "joint"    // 联合抽查 (部门联合双随机抽查)
)

var inspectionTypes = []InspectionType{
	{InspectionRandom, "双随机抽查", "Random inspection (double random)"},
	{InspectionTargeted, "定向抽查", "Targeted spot check"},
	{InspectionJoint, "联合抽查", "Joint inspection of several departments"},
}

var inspectionAliases = map[string]string{
	"不定向抽查":     InspectionRandom,
	"随机抽查":      InspectionRandom,
	"双随机":       InspectionRandom,
	"部门联合双随机抽查": InspectionJoint,
	"部门联合抽查":    InspectionJoint,
	"联合双随机抽查":   InspectionJoint,
}

// InspectionTypes returns the inspection types.
func InspectionTypes() []InspectionType { return append([]InspectionType(nil), inspectionTypes...) }

// LookupInspectionType finds an inspection type by code, Chinese text or
// a usual other wording (不定向抽查, 部门联合双随机抽查, ...).
func LookupInspectionType(s string) (InspectionType, bool) {
	s = strings.TrimSpace(s)
	if c, ok := inspectionAliases[s]; ok {
		s = c
	}
	for _, t := range inspectionTypes {
		if s == t.Code || s == t.Zh {
			return t, true
		}
	}
	return InspectionType{}, false
}
